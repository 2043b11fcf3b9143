//! `hgctl wait performer/NAME --for ready`: the wait `apply --wait` does, for objects
//! that already exist (CI steps after a `kubectl apply` or a GitOps sync).

use std::time::Duration;

use kube::Resource;
use kube::api::Api;
use kube::runtime::wait::{Condition, await_condition};

use super::apply::wait_ready;
use super::args::{GlobalArgs, WaitArgs};
use crate::cluster;
use crate::declarative::documents::Kind;
use crate::error::{Error, Result};

/// The one wait of the commands that wait on one object (`create --wait`, `delete --wait`,
/// `install --wait`): watches object `name` (no polling) until `condition` holds, for at
/// most `timeout`, and returns it then (None: it is gone). On timeout the error names
/// `what` was awaited and `help`. The caller shows progress.
pub(crate) async fn until<K>(
    api: &Api<K>,
    name: &str,
    condition: impl Condition<K>,
    timeout: Duration,
    what: &str,
    help: &str,
) -> Result<Option<K>>
where
    K: Resource + Clone + std::fmt::Debug + serde::de::DeserializeOwned + Send + 'static,
{
    match tokio::time::timeout(timeout, await_condition(api.clone(), name, condition)).await {
        Ok(Ok(object)) => Ok(object),
        Ok(Err(e)) => Err(Error::Failed(format!("watching {what}: {e}"))),
        Err(_) => Err(Error::Timeout {
            what: what.to_string(),
            seconds: timeout.as_secs(),
            help: Some(help.to_string()),
        }),
    }
}

/// `performer/NAME`, `executor/NAME` (and kubectl's spellings of both kinds).
pub fn parse_target(text: &str) -> Result<(Kind, String)> {
    let bad = || {
        Error::usage(
            format!("{text:?} is not KIND/NAME"),
            "write performer/NAME or executor/NAME",
        )
    };
    let (kind, name) = text.split_once('/').ok_or_else(bad)?;
    let kind = match kind.to_ascii_lowercase().as_str() {
        "performer" | "performers" | "perf" | "performer.hourglass.eigenlayer.io" => {
            Kind::Performer
        }
        "executor"
        | "executors"
        | "hourglassexecutor"
        | "hourglassexecutors"
        | "hge"
        | "hourglassexecutor.hourglass.eigenlayer.io" => Kind::HourglassExecutor,
        _ => return Err(bad()),
    };
    if name.is_empty() {
        return Err(bad());
    }
    Ok((kind, name.to_string()))
}

/// `hgctl wait`.
pub async fn run(global: &GlobalArgs, args: &WaitArgs) -> Result<()> {
    let targets = args
        .objects
        .iter()
        .map(|o| parse_target(o))
        .collect::<Result<Vec<_>>>()?;
    let conn = cluster::connection(global).await?;
    wait_ready(&conn.client, &conn.namespace, &targets, args.timeout).await?;
    for (kind, name) in &targets {
        crate::output::print(&format!("{} condition met\n", kind.display(name)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_like_kubectl() {
        assert_eq!(
            parse_target("performer/p1").unwrap(),
            (Kind::Performer, "p1".into())
        );
        assert_eq!(
            parse_target("hge/ops").unwrap(),
            (Kind::HourglassExecutor, "ops".into())
        );
        assert!(parse_target("p1").is_err());
        assert!(parse_target("pod/p1").is_err());
        assert!(parse_target("performer/").is_err());
    }
}
