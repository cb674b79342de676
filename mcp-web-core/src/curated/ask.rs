//! [`Ask`]: several questions to the client in one round — elicitation, sampling and roots — and
//! the questions and answers both protocol eras share.
//!
//! On a 2026-07-28 request the questions of one round travel together in one *input required*
//! result (several `inputRequests`, answered by as many `inputResponses` on the retried call). On
//! a 2025-era session they are server-to-client requests, sent at once; the handler goes on when
//! every answer is in.

// Sampling and roots are deprecated by SEP-2577 for a future protocol; both eras served here
// still have them.
#![allow(deprecated)]

use std::{
    collections::BTreeMap,
    fmt,
    future::{Future, IntoFuture},
    marker::PhantomData,
    pin::Pin,
};

use rmcp::{
    ErrorData, RoleServer,
    model::{
        ClientCapabilities, CreateMessageRequest, CreateMessageRequestParams, CreateMessageResult,
        ElicitRequest, ElicitRequestParams, ElicitResult, InputRequest, ListRootsRequest,
        ListRootsResult,
    },
    service::Peer,
};
use serde_json::Value;

use self::sealed::{Answer, FromAnswers, Push};
use super::{context::CallContext, error::HandlerError};

/// Questions to the client asked together, made by [`CallContext::ask`]; awaiting it gives their
/// answers as a tuple, in the order the questions were added.
///
/// ```
/// # #![allow(deprecated)]
/// use mcp_web_core::curated::{CallContext, HandlerError};
/// use mcp_web_core::curated::model::{
///     CreateMessageRequestParams, ElicitRequestParams, ElicitationSchema, SamplingMessage,
/// };
///
/// async fn greet(cx: CallContext) -> Result<String, HandlerError> {
///     let form = ElicitRequestParams::FormElicitationParams {
///         meta: None,
///         message: "What is your name?".into(),
///         requested_schema: ElicitationSchema::builder()
///             .required_string("name")
///             .build()
///             .map_err(HandlerError::new)?,
///     };
///     let greeting =
///         CreateMessageRequestParams::new(vec![SamplingMessage::user_text("A greeting")], 50);
///     let (name, greeting, roots) = cx
///         .ask()
///         .elicit_named("user_name", form)
///         .sample_named("greeting", greeting)
///         .roots_named("client_roots")
///         .await?;
///     Ok(format!("{:?} {:?} ({} roots)", name.content, greeting.message, roots.roots.len()))
/// }
/// ```
///
/// Each question has a key, which a 2026-07-28 client answers it under: the one given to a
/// `*_named` method, or `elicitation-N` / `sampling-N` / `roots-N` numbered in the order the
/// handler asks (as for [`CallContext::elicit`]). Two questions of one round must not share a
/// key.
///
/// A client that did not declare a capability one of the questions needs gets JSON-RPC error
/// `-32021` naming every capability missing, before anything is asked. On a 2026-07-28 request,
/// questions answered in an earlier round are not asked again: only the others go into the next
/// input-required result. Up to 8 questions fit in one round.
#[must_use = "the questions are asked when the `Ask` is awaited"]
pub struct Ask<'cx, T> {
    cx: &'cx CallContext,
    questions: Vec<(Option<String>, Question)>,
    answers: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Ask<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds: Vec<&str> = self.questions.iter().map(|(_, q)| q.kind()).collect();
        f.debug_struct("Ask").field("questions", &kinds).finish()
    }
}

impl<'cx> Ask<'cx, ()> {
    pub(super) fn new(cx: &'cx CallContext) -> Self {
        Self {
            cx,
            questions: Vec::new(),
            answers: PhantomData,
        }
    }
}

impl<'cx, T> Ask<'cx, T> {
    fn with<X>(mut self, key: Option<&str>, question: Question) -> Ask<'cx, T::Output>
    where
        T: Push<X>,
    {
        self.questions.push((key.map(str::to_string), question));
        Ask {
            cx: self.cx,
            questions: self.questions,
            answers: PhantomData,
        }
    }

    /// Also ask the user for input through the client (`elicitation/create`).
    pub fn elicit(self, params: ElicitRequestParams) -> Ask<'cx, T::Output>
    where
        T: Push<ElicitResult>,
    {
        self.with::<ElicitResult>(None, Question::Elicitation(params))
    }

    /// [`elicit`](Self::elicit), under the key `key`.
    pub fn elicit_named(self, key: &str, params: ElicitRequestParams) -> Ask<'cx, T::Output>
    where
        T: Push<ElicitResult>,
    {
        self.with::<ElicitResult>(Some(key), Question::Elicitation(params))
    }

    /// Also ask the client's model for a completion (`sampling/createMessage`).
    pub fn sample(self, params: CreateMessageRequestParams) -> Ask<'cx, T::Output>
    where
        T: Push<CreateMessageResult>,
    {
        self.with::<CreateMessageResult>(None, Question::Sampling(params))
    }

    /// [`sample`](Self::sample), under the key `key`.
    pub fn sample_named(self, key: &str, params: CreateMessageRequestParams) -> Ask<'cx, T::Output>
    where
        T: Push<CreateMessageResult>,
    {
        self.with::<CreateMessageResult>(Some(key), Question::Sampling(params))
    }

    /// Also ask for the client's roots (`roots/list`).
    pub fn roots(self) -> Ask<'cx, T::Output>
    where
        T: Push<ListRootsResult>,
    {
        self.with::<ListRootsResult>(None, Question::Roots)
    }

    /// [`roots`](Self::roots), under the key `key`.
    pub fn roots_named(self, key: &str) -> Ask<'cx, T::Output>
    where
        T: Push<ListRootsResult>,
    {
        self.with::<ListRootsResult>(Some(key), Question::Roots)
    }
}

impl<'cx, T: FromAnswers + Send + 'cx> IntoFuture for Ask<'cx, T> {
    type Output = Result<T, HandlerError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'cx>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let answers = put(self.cx, self.questions).await?;
            T::from_answers(&mut answers.into_iter())
                .ok_or_else(|| HandlerError::new("The client's answers do not fit the questions"))
        })
    }
}

/// Put `questions` to the client in one round; their answers, in order.
pub(super) async fn put(
    cx: &CallContext,
    questions: Vec<(Option<String>, Question)>,
) -> Result<Vec<Answer>, HandlerError> {
    let mut keyed = Vec::with_capacity(questions.len());
    for (key, question) in questions {
        let key = key.unwrap_or_else(|| cx.next_key(question.kind()));
        if keyed.iter().any(|(taken, _)| *taken == key) {
            return Err(HandlerError::new(format!(
                "Two questions of one round are named '{key}'"
            )));
        }
        keyed.push((key, question));
    }
    // Unknown capabilities, as on a session-less 2025-era request, are not refused.
    if let Some(capabilities) = cx.client_capabilities() {
        let mut missing = ClientCapabilities::default();
        let mut any = false;
        for (_, question) in &keyed {
            if !question.declared(capabilities) {
                question.declare(&mut missing);
                any = true;
            }
        }
        if any {
            return Err(HandlerError::rpc(
                ErrorData::missing_required_client_capability(missing),
            ));
        }
    }
    if let Some(task) = cx.task() {
        let asked = keyed.iter().map(|(key, q)| (key.clone(), q.input_value()));
        let given = task.ask(asked.collect()).await.map_err(|_| {
            HandlerError::new("The task ended before the client answered its questions")
        })?;
        return (keyed.iter().zip(given))
            .map(|((key, question), answer)| question.read(key, &answer))
            .collect();
    }
    if cx.stateless() {
        return answered_or_ask(cx.answers(), keyed);
    }
    let peer = cx.peer();
    futures::future::try_join_all(keyed.into_iter().map(|(_, q)| q.send(peer))).await
}

/// The answers the client already gave to every question of the round, or an input-required
/// result asking the ones it did not answer yet (2026-07-28 multi-round-trip requests).
fn answered_or_ask(
    given: &BTreeMap<String, Value>,
    questions: Vec<(String, Question)>,
) -> Result<Vec<Answer>, HandlerError> {
    let mut answers = Vec::with_capacity(questions.len());
    let mut asked = BTreeMap::new();
    for (key, question) in questions {
        match given.get(&key) {
            Some(answer) => answers.push(question.read(&key, answer)?),
            None => {
                asked.insert(key, question.into_input());
            }
        }
    }
    if asked.is_empty() {
        return Ok(answers);
    }
    // Earlier answers go back with the questions (sealed by the server), so every round sees
    // all of them.
    Err(HandlerError(super::Failure::InputRequired {
        asked,
        answers: given.clone(),
    }))
}

/// One question to the client.
pub(super) enum Question {
    Sampling(CreateMessageRequestParams),
    Elicitation(ElicitRequestParams),
    Roots,
}

impl Question {
    /// Names unnamed questions of this kind: `sampling-0`, `elicitation-1`, …
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Self::Sampling(_) => "sampling",
            Self::Elicitation(_) => "elicitation",
            Self::Roots => "roots",
        }
    }

    /// Whether the client declared the capability this question needs.
    fn declared(&self, capabilities: &ClientCapabilities) -> bool {
        match self {
            Self::Sampling(_) => capabilities.sampling.is_some(),
            Self::Elicitation(_) => capabilities.elicitation.is_some(),
            Self::Roots => capabilities.roots.is_some(),
        }
    }

    /// Declare that capability in `capabilities` (for the `-32021` error naming it).
    fn declare(&self, capabilities: &mut ClientCapabilities) {
        match self {
            Self::Sampling(_) => capabilities.sampling = Some(Default::default()),
            Self::Elicitation(_) => capabilities.elicitation = Some(Default::default()),
            Self::Roots => capabilities.roots = Some(Default::default()),
        }
    }

    /// The question inside a 2026-07-28 input-required result.
    fn into_input(self) -> InputRequest {
        match self {
            Self::Sampling(params) => {
                InputRequest::CreateMessage(CreateMessageRequest::new(params))
            }
            Self::Elicitation(params) => InputRequest::Elicitation(ElicitRequest::new(params)),
            Self::Roots => InputRequest::ListRoots(ListRootsRequest::default()),
        }
    }

    /// The question as a task's `inputRequests` shows it.
    fn input_value(&self) -> Value {
        let input = match self {
            Self::Sampling(params) => {
                InputRequest::CreateMessage(CreateMessageRequest::new(params.clone()))
            }
            Self::Elicitation(params) => {
                InputRequest::Elicitation(ElicitRequest::new(params.clone()))
            }
            Self::Roots => InputRequest::ListRoots(ListRootsRequest::default()),
        };
        serde_json::to_value(input).unwrap_or_default()
    }

    /// The client's answer `answer` to this question, given under `key`.
    fn read(&self, key: &str, answer: &Value) -> Result<Answer, HandlerError> {
        fn parse<T: serde::de::DeserializeOwned>(answer: &Value) -> serde_json::Result<T> {
            T::deserialize(answer)
        }
        let read = match self {
            Self::Sampling(_) => parse(answer).map(Answer::Sampling),
            Self::Elicitation(_) => parse(answer).map(Answer::Elicitation),
            Self::Roots => parse(answer).map(Answer::Roots),
        };
        read.map_err(|e| {
            HandlerError::rpc(ErrorData::invalid_params(
                format!("The answer to '{key}' does not fit its request: {e}"),
                None,
            ))
        })
    }

    /// The question as a server-to-client request on a 2025-era session; the answer.
    async fn send(self, peer: &Peer<RoleServer>) -> Result<Answer, HandlerError> {
        let failed = |what: &str, e: rmcp::service::ServiceError| {
            HandlerError::new(format!("{what} failed: {e}"))
        };
        match self {
            Self::Sampling(params) => peer
                .create_message(params)
                .await
                .map(Answer::Sampling)
                .map_err(|e| failed("Sampling", e)),
            Self::Elicitation(params) => peer
                .create_elicitation(params)
                .await
                .map(Answer::Elicitation)
                .map_err(|e| failed("Elicitation", e)),
            Self::Roots => peer
                .list_roots()
                .await
                .map(Answer::Roots)
                .map_err(|e| failed("Listing roots", e)),
        }
    }
}

/// The traits and answers that type an [`Ask`]'s result: public, so that its methods' bounds
/// may name them, but out of reach, so that only the tuples of answers here implement them.
mod sealed {
    #![allow(unreachable_pub)]

    use super::{CreateMessageResult, ElicitResult, ListRootsResult};

    /// The client's answer to one question.
    #[derive(Debug)]
    pub enum Answer {
        Sampling(CreateMessageResult),
        Elicitation(ElicitResult),
        Roots(ListRootsResult),
    }

    /// An answer of one kind.
    pub trait FromAnswer: Sized {
        fn from_answer(answer: Answer) -> Option<Self>;
    }

    impl FromAnswer for CreateMessageResult {
        fn from_answer(answer: Answer) -> Option<Self> {
            match answer {
                Answer::Sampling(result) => Some(result),
                _ => None,
            }
        }
    }

    impl FromAnswer for ElicitResult {
        fn from_answer(answer: Answer) -> Option<Self> {
            match answer {
                Answer::Elicitation(result) => Some(result),
                _ => None,
            }
        }
    }

    impl FromAnswer for ListRootsResult {
        fn from_answer(answer: Answer) -> Option<Self> {
            match answer {
                Answer::Roots(result) => Some(result),
                _ => None,
            }
        }
    }

    /// A tuple of answers, taken in order.
    pub trait FromAnswers: Sized {
        fn from_answers(answers: &mut std::vec::IntoIter<Answer>) -> Option<Self>;
    }

    impl FromAnswers for () {
        fn from_answers(_: &mut std::vec::IntoIter<Answer>) -> Option<Self> {
            Some(())
        }
    }

    /// The tuple with one more answer, of type `X`, at its end.
    pub trait Push<X> {
        type Output;
    }

    impl<X> Push<X> for () {
        type Output = (X,);
    }

    /// `FromAnswers` for the tuple of these types, and for each shorter tuple of their tail.
    macro_rules! from_answers {
        () => {};
        ($first:ident $($rest:ident)*) => {
            from_answers!($($rest)*);
            impl<$first: FromAnswer, $($rest: FromAnswer,)*> FromAnswers for ($first, $($rest,)*) {
                fn from_answers(answers: &mut std::vec::IntoIter<Answer>) -> Option<Self> {
                    Some((
                        $first::from_answer(answers.next()?)?,
                        $($rest::from_answer(answers.next()?)?,)*
                    ))
                }
            }
        };
    }

    /// `Push` for the tuple of these types, and for each shorter tuple of their tail.
    macro_rules! push {
        () => {};
        ($first:ident $($rest:ident)*) => {
            push!($($rest)*);
            impl<$first, $($rest,)* X> Push<X> for ($first, $($rest,)*) {
                type Output = ($first, $($rest,)* X);
            }
        };
    }

    from_answers!(A B C D E F G H);
    push!(A B C D E F G);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots(uri: &str) -> Value {
        serde_json::json!({"roots": [{"uri": uri}]})
    }

    #[test]
    fn only_the_questions_not_answered_yet_are_asked() {
        let given: BTreeMap<String, Value> = [("client_roots".to_string(), roots("file:///a"))]
            .into_iter()
            .collect();
        let questions = vec![
            ("client_roots".to_string(), Question::Roots),
            ("more_roots".to_string(), Question::Roots),
        ];
        let Err(HandlerError(super::super::Failure::InputRequired { asked, answers })) =
            answered_or_ask(&given, questions)
        else {
            panic!("one question is not answered yet");
        };
        assert_eq!(asked.keys().collect::<Vec<_>>(), ["more_roots"]);
        assert_eq!(answers, given);
    }

    #[test]
    fn answers_come_back_in_the_order_of_the_questions() {
        let given: BTreeMap<String, Value> = [
            ("b".to_string(), roots("file:///b")),
            ("a".to_string(), roots("file:///a")),
        ]
        .into_iter()
        .collect();
        let questions = vec![
            ("b".to_string(), Question::Roots),
            ("a".to_string(), Question::Roots),
        ];
        let answers = answered_or_ask(&given, questions).unwrap_or_else(|_| panic!("answered"));
        let (first, second) =
            <(ListRootsResult, ListRootsResult)>::from_answers(&mut answers.into_iter()).unwrap();
        assert_eq!(first.roots[0].uri, "file:///b");
        assert_eq!(second.roots[0].uri, "file:///a");
    }

    #[test]
    fn an_answer_of_another_kind_does_not_fit() {
        let answers = vec![Answer::Roots(ListRootsResult::default())];
        assert!(<(ElicitResult,)>::from_answers(&mut answers.into_iter()).is_none());
    }
}
