//! Command-line options of the bench binaries: `--name value` or `--name=value`, repeatable,
//! plus `-h`/`--help`. Each binary takes what it knows; anything left over is an error.

use std::{str::FromStr, time::Duration};

/// The options given, in order.
#[derive(Debug)]
pub struct Options {
    given: Vec<(String, String)>,
    /// `-h` or `--help` was given.
    pub help: bool,
}

impl Options {
    /// Parses `args` (without the program name).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut given = Vec::new();
        let mut help = false;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "-h" || arg == "--help" {
                help = true;
                continue;
            }
            let Some(option) = arg.strip_prefix("--") else {
                return Err(format!("unexpected argument {arg:?}"));
            };
            let (name, value) = match option.split_once('=') {
                Some((name, value)) => (name.to_string(), value.to_string()),
                None => {
                    let value = args
                        .next()
                        .ok_or_else(|| format!("--{option} needs a value"))?;
                    (option.to_string(), value)
                }
            };
            given.push((name, value));
        }
        Ok(Self { given, help })
    }

    /// Every value of `--name`, removed from the options.
    pub fn all(&mut self, name: &str) -> Vec<String> {
        let (taken, rest) = std::mem::take(&mut self.given)
            .into_iter()
            .partition(|(n, _)| n == name);
        self.given = rest;
        taken.into_iter().map(|(_, value)| value).collect()
    }

    /// The last value of `--name`, if given.
    pub fn last(&mut self, name: &str) -> Option<String> {
        self.all(name).pop()
    }

    /// `--name` parsed as `T`, or `default`.
    pub fn number<T: FromStr>(&mut self, name: &str, default: T) -> Result<T, String> {
        match self.last(name) {
            Some(value) => value
                .parse()
                .map_err(|_| format!("--{name} {value:?} is not a valid number")),
            None => Ok(default),
        }
    }

    /// `--name` in seconds (fractions allowed), or `default`.
    pub fn seconds(&mut self, name: &str, default: Duration) -> Result<Duration, String> {
        match self.last(name) {
            Some(value) => value
                .parse::<f64>()
                .ok()
                .filter(|secs| secs.is_finite() && *secs >= 0.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| format!("--{name} {value:?} is not a number of seconds")),
            None => Ok(default),
        }
    }

    /// Fails on any option not taken.
    pub fn finish(self) -> Result<(), String> {
        match self.given.first() {
            Some((name, _)) => Err(format!("unknown option --{name}")),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(list: &[&str]) -> Result<Options, String> {
        Options::parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn values_are_separate_or_inline_and_repeatable() {
        let mut o = options(&["--server", "a=x", "--server=b=y", "--duration", "1.5"]).unwrap();
        assert_eq!(o.all("server"), ["a=x", "b=y"]);
        assert_eq!(
            o.seconds("duration", Duration::ZERO),
            Ok(Duration::from_millis(1500))
        );
        assert_eq!(o.number("connections", 16usize), Ok(16));
        assert!(o.finish().is_ok());
    }

    #[test]
    fn mistakes_are_errors() {
        assert!(options(&["--duration"]).is_err());
        assert!(options(&["stray"]).is_err());
        assert!(options(&["--bogus", "1"]).unwrap().finish().is_err());
        assert!(options(&["--n", "x"]).unwrap().number("n", 1u32).is_err());
        assert!(
            options(&["--d", "-1"])
                .unwrap()
                .seconds("d", Duration::ZERO)
                .is_err()
        );
        assert!(options(&["-h"]).unwrap().help);
    }
}
