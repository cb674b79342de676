//! Deterministic input generation for bounded fuzz tests: a small seeded generator, and the
//! `FUZZ_SEED` / `FUZZ_ITERATIONS` settings every fuzz test reads, so that a failure found in a
//! long campaign (`scripts/fuzz.sh`) is reproduced by setting the same two variables.
//!
//! ```
//! use mcp_test_support::fuzz::Rng;
//!
//! let mut rng = Rng::from_env();
//! assert!(rng.below(10) < 10);
//! ```

/// xorshift64*: small, deterministic, good enough to spread inputs.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded by `FUZZ_SEED` (default 1).
    pub fn from_env() -> Self {
        Self::seeded(setting("FUZZ_SEED", 1))
    }

    /// A generator for `seed`; every seed, 0 included, gives a usable stream.
    pub fn seeded(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One of `items` (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// How many inputs a fuzz test tries: `FUZZ_ITERATIONS`, or `default`.
pub fn iterations(default: u64) -> u64 {
    setting("FUZZ_ITERATIONS", default)
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}
