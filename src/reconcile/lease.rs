//! Leader election on a coordination.k8s.io Lease, so that a `run-local` and
//! the in-cluster operator (or two `run-local`s) never reconcile at once.
//! Acquire and renew are optimistic writes guarded by resourceVersion.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::Client;
use kube::api::{Api, PostParams};

use crate::error::{Error, Result};

/// Name of the Lease every hgctl controller process competes for (the install's RBAC names it).
pub use crate::install::manifests::LEASE_NAME;
/// How long a lease stays valid without renewal.
pub const LEASE_DURATION: Duration = Duration::from_secs(15);
/// How often the holder renews.
pub const RENEW_EVERY: Duration = Duration::from_secs(5);

/// Who holds the lease now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub identity: String,
    /// Seconds since the last renewal.
    pub renewed_ago: i64,
}

/// The state of a lease at `now`, from its spec: held by someone else and
/// still valid, or free to take.
pub fn current_holder(spec: Option<&LeaseSpec>, me: &str, now: Timestamp) -> Option<Holder> {
    let spec = spec?;
    let identity = spec.holder_identity.clone().filter(|h| !h.is_empty())?;
    if identity == me {
        return None;
    }
    let renewed = spec.renew_time.as_ref().or(spec.acquire_time.as_ref())?.0;
    let duration = i64::from(spec.lease_duration_seconds.unwrap_or(15));
    let age = now.duration_since(renewed);
    (age < SignedDuration::from_secs(duration)).then(|| Holder {
        identity,
        renewed_ago: age.as_secs(),
    })
}

/// A held lease; renew it on a timer and release it on shutdown.
pub struct LeaseGuard {
    api: Api<Lease>,
    identity: String,
}

/// Takes the lease. With `wait`, waits for the holder to let go; without,
/// refuses and names the holder.
pub async fn acquire(
    client: Client,
    namespace: &str,
    identity: &str,
    wait: bool,
) -> Result<LeaseGuard> {
    let api: Api<Lease> = Api::namespaced(client, namespace);
    loop {
        match try_acquire(&api, identity).await? {
            None => {
                return Ok(LeaseGuard {
                    api,
                    identity: identity.to_string(),
                });
            }
            Some(holder) if !wait => {
                return Err(Error::Refused {
                    message: format!(
                        "another hgctl controller holds the lease {namespace}/{LEASE_NAME}: {} (renewed {}s ago)",
                        holder.identity, holder.renewed_ago
                    ),
                    help: Some(
                        "only one controller may reconcile at a time; stop the other one, or pass --take-over to wait until its lease expires".into(),
                    ),
                });
            }
            Some(holder) => {
                tracing::info!(holder = %holder.identity, "waiting for the lease");
                tokio::time::sleep(RENEW_EVERY).await;
            }
        }
    }
}

/// One attempt: Ok(None) when we hold the lease now, Ok(Some(holder)) when someone else does.
async fn try_acquire(api: &Api<Lease>, identity: &str) -> Result<Option<Holder>> {
    let now = Timestamp::now();
    let existing = api
        .get_opt(LEASE_NAME)
        .await
        .map_err(|e| Error::kube(format!("reading lease {LEASE_NAME}"), e))?;
    match existing {
        None => {
            let lease = Lease {
                metadata: ObjectMeta {
                    name: Some(LEASE_NAME.into()),
                    ..Default::default()
                },
                spec: Some(held_spec(identity, now, None)),
            };
            match api.create(&PostParams::default(), &lease).await {
                Ok(_) => Ok(None),
                Err(kube::Error::Api(s)) if s.code == 409 => Ok(Some(Holder {
                    identity: "another controller (just now)".into(),
                    renewed_ago: 0,
                })),
                Err(e) => Err(Error::kube(format!("creating lease {LEASE_NAME}"), e)),
            }
        }
        Some(mut lease) => {
            if let Some(holder) = current_holder(lease.spec.as_ref(), identity, now) {
                return Ok(Some(holder));
            }
            let transitions = lease
                .spec
                .as_ref()
                .and_then(|s| s.lease_transitions)
                .unwrap_or(0);
            let same = lease
                .spec
                .as_ref()
                .and_then(|s| s.holder_identity.as_deref())
                == Some(identity);
            lease.spec = Some(held_spec(
                identity,
                now,
                Some(if same { transitions } else { transitions + 1 }),
            ));
            match api
                .replace(LEASE_NAME, &PostParams::default(), &lease)
                .await
            {
                Ok(_) => Ok(None),
                Err(kube::Error::Api(s)) if s.code == 409 => Ok(Some(Holder {
                    identity: "another controller (just now)".into(),
                    renewed_ago: 0,
                })),
                Err(e) => Err(Error::kube(format!("taking lease {LEASE_NAME}"), e)),
            }
        }
    }
}

fn held_spec(identity: &str, now: Timestamp, transitions: Option<i32>) -> LeaseSpec {
    LeaseSpec {
        holder_identity: Some(identity.to_string()),
        lease_duration_seconds: Some(LEASE_DURATION.as_secs() as i32),
        acquire_time: Some(MicroTime(now)),
        renew_time: Some(MicroTime(now)),
        lease_transitions: transitions,
        ..Default::default()
    }
}

impl LeaseGuard {
    /// Renews until the lease is lost; returns then (the caller must stop reconciling).
    pub async fn keep(&self) {
        loop {
            tokio::time::sleep(RENEW_EVERY).await;
            match self.renew().await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::error!("lost the lease to another controller; stopping");
                    return;
                }
                Err(e) => tracing::warn!("cannot renew the lease (will retry): {e}"),
            }
        }
    }

    async fn renew(&self) -> std::result::Result<bool, kube::Error> {
        let Some(mut lease) = self.api.get_opt(LEASE_NAME).await? else {
            return Ok(false);
        };
        let Some(spec) = lease.spec.as_mut() else {
            return Ok(false);
        };
        if spec.holder_identity.as_deref() != Some(self.identity.as_str()) {
            return Ok(false);
        }
        spec.renew_time = Some(MicroTime(Timestamp::now()));
        match self
            .api
            .replace(LEASE_NAME, &PostParams::default(), &lease)
            .await
        {
            Ok(_) => Ok(true),
            Err(kube::Error::Api(s)) if s.code == 409 => Ok(true), // raced a read; retry next tick
            Err(e) => Err(e),
        }
    }

    /// Gives the lease up so another controller can start at once.
    pub async fn release(&self) {
        if let Ok(Some(mut lease)) = self.api.get_opt(LEASE_NAME).await
            && let Some(spec) = lease.spec.as_mut()
            && spec.holder_identity.as_deref() == Some(self.identity.as_str())
        {
            spec.holder_identity = None;
            spec.renew_time = None;
            spec.acquire_time = None;
            let _ = self
                .api
                .replace(LEASE_NAME, &PostParams::default(), &lease)
                .await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(holder: &str, renewed: i64) -> LeaseSpec {
        LeaseSpec {
            holder_identity: Some(holder.into()),
            lease_duration_seconds: Some(15),
            renew_time: Some(MicroTime(Timestamp::from_second(renewed).unwrap())),
            ..Default::default()
        }
    }

    #[test]
    fn a_fresh_lease_of_someone_else_is_held() {
        let now = Timestamp::from_second(1000).unwrap();
        let h = current_holder(Some(&spec("operator-pod", 995)), "me", now).unwrap();
        assert_eq!((h.identity.as_str(), h.renewed_ago), ("operator-pod", 5));
    }

    #[test]
    fn an_expired_released_or_own_lease_is_free() {
        let now = Timestamp::from_second(1000).unwrap();
        assert_eq!(
            current_holder(Some(&spec("operator-pod", 980)), "me", now),
            None
        );
        assert_eq!(current_holder(Some(&spec("me", 999)), "me", now), None);
        assert_eq!(current_holder(Some(&LeaseSpec::default()), "me", now), None);
        assert_eq!(current_holder(None, "me", now), None);
    }
}
