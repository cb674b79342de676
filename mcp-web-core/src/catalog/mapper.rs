//! The mapper: walks the document's operations in order, lets the exposure settings decide what
//! each becomes, and converts the exposed ones. Each part of a conversion is done by the module
//! of its concern (`parameters`, `bodies`, `outputs`, `naming`, `resources`); this file holds the
//! order they run in.
//!
//! Output schemas are most of a large document's conversion (GitHub's results inline the same
//! models dozens of times before they are compacted), and they depend on nothing but their
//! response schema and the document: they are resolved first, once per distinct response schema
//! (many operations return the same model), on two threads when there are many, each thread with
//! a resolver of its own. Everything else runs in document order on the calling thread, so names,
//! warnings and the catalog's order are those of a sequential conversion.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    thread,
};

use http::Method;
use serde_json::{Map, Value};

use super::{
    Catalog, ConversionWarning,
    arguments::Arguments,
    bodies, naming, outputs, parameters,
    resources::{self, Exposed},
};
use crate::{
    exposure::{Decision, Exposure, McpKind, OperationInfo, XMcp},
    oauth::ScopeRequirement,
    resource::uri_base,
    route::{Operation, Route},
    schema::{Direction, SchemaResolver},
    tasks::TaskSupport,
};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Turns the operations of an OpenAPI document into MCP tools.
#[derive(Debug)]
pub(super) struct OperationMapper<'a> {
    document: &'a Value,
    resolver: SchemaResolver<'a>,
    /// Output schemas without `examples` and with repeated parts under `$defs` (the default).
    compact_outputs: bool,
    excluded_paths: HashSet<String>,
    exposure: Exposure,
    uri_base: String,
}

impl<'a> OperationMapper<'a> {
    pub(super) fn new(document: &'a Value) -> Self {
        Self {
            document,
            resolver: SchemaResolver::new(document),
            compact_outputs: true,
            excluded_paths: HashSet::new(),
            exposure: Exposure::default(),
            uri_base: uri_base(None, ""),
        }
    }

    /// Keep component schemas under `$defs` instead of inlining them.
    pub(super) fn keep_defs(mut self, keep: bool) -> Self {
        self.resolver = self.resolver.keep_defs(keep);
        self
    }

    /// Whether output schemas are made smaller ([`crate::schema::compact_output`]).
    pub(super) fn compact_outputs(mut self, compact: bool) -> Self {
        self.compact_outputs = compact;
        self
    }

    /// Choose what is exposed, and as what, with these settings; resource URIs start with `uri_base`.
    pub(super) fn expose(mut self, exposure: Exposure, uri_base: String) -> Self {
        self.exposure = exposure;
        self.uri_base = uri_base;
        self
    }

    /// Never offer this path as a tool (the MCP endpoint itself).
    pub(super) fn exclude_path(mut self, path: &str) -> Self {
        self.excluded_paths.insert(path.to_string());
        self
    }

    pub(super) fn build(self) -> Catalog {
        let mut catalog = Catalog::default();
        let mut taken: HashSet<String> = HashSet::new();
        // Warnings about operations left out by a configuration choice: logged at debug only.
        let mut chosen_warnings = HashSet::new();
        // First what is exposed, then the output schemas (with which schemas each resolver will
        // resolve announced first, so that it copies each component only as often as it is used
        // again), then the rest of the conversion, in document order.
        let steps = self.decide();
        let candidates: Vec<&Candidate<'a>> = steps
            .iter()
            .filter_map(|step| match step {
                Step::Convert(candidate) => Some(candidate),
                Step::Warning { .. } => None,
            })
            .collect();
        let mut outputs = self.outputs(&candidates).into_iter();
        for step in steps {
            let candidate = match step {
                Step::Warning { warning, chosen } => {
                    if chosen {
                        chosen_warnings.insert(catalog.warnings.len());
                    }
                    catalog.warnings.push(warning);
                    continue;
                }
                Step::Convert(candidate) => candidate,
            };
            let output = outputs.next().unwrap_or_default();
            let Candidate {
                path,
                method,
                item,
                operation,
                label,
                info,
                x_mcp,
                kind,
                by,
            } = candidate;
            let mut warn = |reason: String| {
                catalog.warnings.push(ConversionWarning {
                    operation: label.clone(),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    reason,
                })
            };
            let Some(op) =
                self.operation(path, method, item, operation, output, &mut taken, &mut warn)
            else {
                continue;
            };
            let exposed = self.finish(
                op, kind, by, &info, &x_mcp, operation, &mut taken, &mut warn,
            );
            match exposed {
                Exposed::Tool(op) => {
                    catalog
                        .by_name
                        .insert(op.tool.name.to_string(), catalog.operations.len());
                    catalog.operations.push(Arc::new(*op));
                }
                Exposed::Resource(entry) => catalog.resources.push(entry),
                Exposed::Template(entry) => catalog.templates.push(entry),
            }
        }
        for (i, warning) in catalog.warnings.iter().enumerate() {
            if chosen_warnings.contains(&i) {
                tracing::debug!(
                    operation = %warning.operation,
                    method = %warning.method,
                    path = %warning.path,
                    "{}",
                    warning.reason
                );
                continue;
            }
            tracing::warn!(
                operation = %warning.operation,
                method = %warning.method,
                path = %warning.path,
                "{}",
                warning.reason
            );
        }
        catalog
    }

    /// Every operation of the document in order: the exposed ones to convert, and the warnings
    /// met while deciding, where they belong among the conversion's own.
    fn decide(&self) -> Vec<Step<'a>> {
        let mut steps = Vec::new();
        let Some(paths) = self.document.get("paths").and_then(Value::as_object) else {
            return steps;
        };
        for (path, item) in paths {
            let Some(item) = self.resolver.follow(item) else {
                continue;
            };
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let label = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
                let mut warn = |reason: String| {
                    steps.push(Step::Warning {
                        warning: ConversionWarning {
                            operation: label.clone(),
                            method: method.to_uppercase(),
                            path: path.clone(),
                            reason,
                        },
                        chosen: false,
                    })
                };
                if self.excluded_paths.contains(path) {
                    warn("the MCP endpoint itself is never a tool".into());
                    continue;
                }
                let Ok(http_method) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                    continue;
                };
                let info = OperationInfo::from_operation(http_method, path, operation);
                let x_mcp = XMcp::parse(operation, &mut warn);
                let (kind, by) = match self.exposure.decide(&info, &x_mcp) {
                    Decision::Exposed { kind, by } => (kind, by),
                    Decision::Hidden { reason, chosen } => {
                        steps.push(Step::Warning {
                            warning: ConversionWarning {
                                operation: info.label(),
                                method: method.to_uppercase(),
                                path: path.clone(),
                                reason,
                            },
                            chosen,
                        });
                        continue;
                    }
                };
                steps.push(Step::Convert(Candidate {
                    path,
                    method,
                    item,
                    operation,
                    label,
                    info,
                    x_mcp,
                    kind,
                    by,
                }));
            }
        }
        steps
    }

    /// The output of every candidate, in order. Operations with equal response schemas share
    /// one output, resolved once (GitHub's 926 results have 464 distinct schemas: a list of
    /// users, an issue, an empty object, ... returned by many operations). With enough distinct
    /// schemas and a second core, every other one is resolved on a scoped thread by a
    /// [fork](SchemaResolver::fork) of the resolver; each resolver is told beforehand what it will
    /// resolve ([`SchemaResolver::expect`]): the calling thread's also the input schemas it
    /// resolves afterwards.
    fn outputs(&self, candidates: &[&Candidate<'a>]) -> Vec<Output> {
        let (schemas, of_candidate) = self.distinct_responses(candidates);
        let inputs = || {
            candidates
                .iter()
                .flat_map(|candidate| self.input_roots(candidate))
        };
        let compact = self.compact_outputs;
        let parallel = schemas.len() >= PARALLEL_OUTPUTS
            && thread::available_parallelism().is_ok_and(|cores| cores.get() > 1);
        let resolved: Vec<Output> = if parallel {
            self.outputs_on_two_threads(&schemas, inputs())
        } else {
            self.resolver.expect(
                schemas
                    .iter()
                    .map(|schema| (*schema, Direction::Output))
                    .chain(inputs()),
            );
            schemas
                .iter()
                .map(|schema| output(&self.resolver, schema, compact))
                .collect()
        };
        of_candidate
            .into_iter()
            .map(|slot| slot.map(|i| resolved[i].clone()).unwrap_or_default())
            .collect()
    }

    /// The distinct response schemas of `candidates` (equal JSON counts as the same schema), in
    /// order of first use, and the index of each candidate's among them (None: no JSON result).
    fn distinct_responses(
        &self,
        candidates: &[&Candidate<'a>],
    ) -> (Vec<&'a Value>, Vec<Option<usize>>) {
        let mut schemas = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let of_candidate = candidates
            .iter()
            .map(|candidate| {
                let schema = outputs::response_schema(&self.resolver, candidate.operation)?;
                // Response schemas are small (mostly a `$ref`, or an array of one): their text is
                // a cheap key, and serde_json's maps keep keys sorted, so equal schemas give
                // equal text.
                let key = serde_json::to_string(schema).ok()?;
                let next = schemas.len();
                let i = *index.entry(key).or_insert(next);
                if i == next {
                    schemas.push(schema);
                }
                Some(i)
            })
            .collect();
        (schemas, of_candidate)
    }

    /// The outputs of `schemas`, every other one resolved on a scoped thread by a fork of the
    /// resolver; the calling thread's resolver also plans for `inputs`, which it resolves later.
    fn outputs_on_two_threads(
        &self,
        schemas: &[&'a Value],
        inputs: impl Iterator<Item = (&'a Value, Direction)>,
    ) -> Vec<Output> {
        let compact = self.compact_outputs;
        let worker = self.resolver.fork();
        let (mine, theirs): (Vec<_>, Vec<_>) =
            schemas.iter().enumerate().partition(|(i, _)| i % 2 == 0);
        let theirs: Vec<&'a Value> = theirs.into_iter().map(|(_, schema)| *schema).collect();
        worker.expect(theirs.iter().map(|schema| (*schema, Direction::Output)));
        self.resolver.expect(
            mine.iter()
                .map(|(_, schema)| (**schema, Direction::Output))
                .chain(inputs),
        );
        let (mine, theirs) = thread::scope(|scope| {
            let handle = scope.spawn(move || {
                theirs
                    .iter()
                    .map(|schema| output(&worker, schema, compact))
                    .collect::<Vec<_>>()
            });
            let mine: Vec<Output> = mine
                .iter()
                .map(|(_, schema)| output(&self.resolver, schema, compact))
                .collect();
            // A panic on the worker is a bug of the conversion: raised here as it would have
            // been without the thread.
            let theirs = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (mine, theirs)
        });
        let mut mine = mine.into_iter();
        let mut theirs = theirs.into_iter();
        (0..schemas.len())
            .map(|i| {
                let next = if i % 2 == 0 {
                    mine.next()
                } else {
                    theirs.next()
                };
                next.unwrap_or_default()
            })
            .collect()
    }

    /// The input schemas [`operation`](Self::operation) resolves for `candidate`: each
    /// parameter's and the request body's.
    fn input_roots(&self, candidate: &Candidate<'a>) -> Vec<(&'a Value, Direction)> {
        let mut roots = Vec::new();
        let Candidate {
            path,
            item,
            operation,
            ..
        } = *candidate;
        if let Some((_, Some((_, media, _)), _)) = bodies::body_media(&self.resolver, operation)
            && let Some(schema) = media.get("schema")
        {
            roots.push((schema, Direction::Input));
        }
        for param in parameters::raw_params(&self.resolver, item, operation, &mut |_| {}) {
            if parameters::parameter_target(path, param).is_ok()
                && let Some(schema) = param.get("schema").or(parameters::content_schema(param))
            {
                roots.push((schema, Direction::Input));
            }
        }
        roots
    }

    /// Convert one operation: its arguments (parameters, then the body's), its result (resolved
    /// beforehand: its warnings are given here, where a sequential conversion gives them) and how
    /// the tool presents itself.
    #[allow(clippy::too_many_arguments)]
    fn operation(
        &self,
        path: &str,
        method: &str,
        item: &Value,
        operation: &Value,
        output: Output,
        taken: &mut HashSet<String>,
        warn: &mut impl FnMut(String),
    ) -> Option<Operation> {
        let http_method = Method::from_bytes(method.to_uppercase().as_bytes()).ok()?;
        // Path-item parameters apply unless the operation redefines the same (name, in).
        let raw_params = parameters::raw_params(&self.resolver, item, operation, warn);
        let body_spec = bodies::body_spec(&self.resolver, operation, warn);
        let body_names = bodies::property_names(body_spec.as_ref());
        let param_names = parameters::names(&raw_params);
        let mut arguments = Arguments::default();
        let params = parameters::params(
            &self.resolver,
            path,
            &raw_params,
            &param_names,
            &body_names,
            &mut arguments,
            warn,
        );
        let body =
            body_spec.and_then(|spec| bodies::body(spec, &param_names, &mut arguments, warn));
        let input = arguments.into_schema();
        let Output {
            schema: output,
            wraps_result,
            warnings,
        } = output;
        warnings.into_iter().for_each(&mut *warn);
        let tool = naming::tool(operation, method, path, &http_method, input, output, taken);
        let mut converted = Operation::new(
            tool,
            Route {
                method: http_method,
                path: path.to_string(),
                params,
                body,
            },
            wraps_result,
        );
        converted.scopes = ScopeRequirement::of_operation(operation, self.document);
        Some(converted)
    }

    /// Apply the configured name, the `x-mcp` title, hints and header arguments and the response
    /// description, then make the operation the tool or resource `kind` asks for (`by` names who
    /// asked).
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        mut op: Operation,
        kind: McpKind,
        by: &str,
        info: &OperationInfo,
        x_mcp: &XMcp,
        operation: &Value,
        taken: &mut HashSet<String>,
        warn: &mut impl FnMut(String),
    ) -> Exposed {
        if let Some(name) = self.exposure.name_for(info, x_mcp) {
            naming::rename(&mut op.tool, name, info, taken, warn);
        }
        naming::apply_x_mcp(&mut op.tool, x_mcp);
        if !x_mcp.headers.is_empty() {
            let schema = std::sync::Arc::make_mut(&mut op.tool.input_schema);
            for (argument, header) in &x_mcp.headers {
                if let Err(why) = crate::header_params::mark(schema, argument, header) {
                    warn(format!("x-mcp.headers.{argument}: {why}; ignored"));
                }
            }
        }
        if self.exposure.describe_responses {
            outputs::describe_success(&self.resolver, operation, &mut op.tool);
        }
        // A documented `202` + `Location`: the work goes on after the answer, so a call may
        // take long — a task, when the client takes tasks.
        op.accepted_follows_location = outputs::accepted_with_location(&self.resolver, operation);
        if op.accepted_follows_location {
            // The answer is the final resource, not the `202`'s status document.
            op.tool.output_schema = None;
        }
        op.task_support = match x_mcp.task_support {
            Some(support) => support,
            None if op.accepted_follows_location => TaskSupport::Optional,
            None => TaskSupport::Forbidden,
        };
        match kind {
            McpKind::Tool => Exposed::Tool(Box::new(op)),
            McpKind::Resource | McpKind::ResourceTemplate => {
                resources::resource(&self.resolver, &self.uri_base, op, by, operation, warn)
            }
        }
    }
}

/// An operation the exposure settings let through, with what converting it needs.
struct Candidate<'a> {
    path: &'a String,
    method: &'static str,
    item: &'a Value,
    operation: &'a Value,
    /// The operation's name in warnings.
    label: String,
    info: OperationInfo,
    x_mcp: XMcp,
    kind: McpKind,
    by: &'static str,
}

/// Below this many distinct response schemas the outputs are resolved on the calling thread: a
/// thread would cost more than it saves.
const PARALLEL_OUTPUTS: usize = 64;

/// An operation's output schema, resolved ahead of the rest of its conversion. Cloned for each
/// operation with the same response schema: the schema itself is shared.
#[derive(Debug, Default, Clone)]
struct Output {
    schema: Option<Arc<Map<String, Value>>>,
    /// Results are wrapped as `{"result": ..}`.
    wraps_result: bool,
    /// What resolving it could not resolve, in order.
    warnings: Vec<String>,
}

/// The output of a response schema, resolved by `resolver` (compacted with `compact`).
fn output<'a>(resolver: &SchemaResolver<'a>, schema: &'a Value, compact: bool) -> Output {
    let mut warnings = Vec::new();
    let (schema, wraps_result) =
        outputs::output_schema(resolver, schema, compact, &mut |warning| {
            warnings.push(warning)
        });
    Output {
        schema: Some(Arc::new(schema)),
        wraps_result,
        warnings,
    }
}

/// One operation of the document, in order, once the exposure settings have decided.
enum Step<'a> {
    /// A warning met while deciding; `chosen`: the operation was left out by configuration.
    Warning {
        warning: ConversionWarning,
        chosen: bool,
    },
    Convert(Candidate<'a>),
}
