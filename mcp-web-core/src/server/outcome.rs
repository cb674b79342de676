//! What a curated handler's outcome becomes in the protocol: a tool's failure an `isError` result
//! (so the model can react), any other failure a JSON-RPC error, a question to the client an
//! input-required result.

use rmcp::{
    ErrorData,
    model::{CallToolResponse, CallToolResult, ContentBlock, InputRequiredResult},
};

use super::state::Rounds;
use crate::curated::{Failure, HandlerError};

/// A curated tool's answer: errors become `isError` results, unless the handler asked for a
/// protocol error or for client input.
pub(super) fn tool_outcome(
    outcome: Result<CallToolResponse, HandlerError>,
    rounds: &Rounds<'_>,
) -> Result<CallToolResponse, ErrorData> {
    match outcome {
        Ok(response) => Ok(response),
        Err(HandlerError(Failure::InputRequired { asked, answers })) => {
            Ok(CallToolResponse::InputRequired(rounds.ask(asked, &answers)))
        }
        Err(HandlerError(Failure::Rpc(error))) => Err(error),
        Err(error) => Ok(error_result(error.message()).into()),
    }
}

/// A resource's or prompt's answer: the value, or the input-required result; failures are
/// JSON-RPC errors.
pub(super) fn rpc_outcome<T>(
    outcome: Result<T, HandlerError>,
    rounds: &Rounds<'_>,
) -> Result<Result<T, InputRequiredResult>, ErrorData> {
    match outcome {
        Ok(value) => Ok(Ok(value)),
        Err(HandlerError(Failure::InputRequired { asked, answers })) => {
            Ok(Err(rounds.ask(asked, &answers)))
        }
        Err(HandlerError(Failure::Rpc(error))) => Err(error),
        Err(HandlerError(Failure::InvalidParams(message))) => {
            Err(ErrorData::invalid_params(message, None))
        }
        Err(HandlerError(Failure::Message(message))) => {
            Err(ErrorData::internal_error(message, None))
        }
    }
}

/// A tool result the model reads as a failure.
pub(super) fn error_result(text: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(text)])
}
