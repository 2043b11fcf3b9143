//! Performers in a test namespace: wait for ready, their pods, their Service's ready
//! endpoints (what e2e tests on kwok and on the real node both ask).

use std::time::Duration;

use hgctl::api::Performer;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::{Api, ListParams};

use super::cluster::{TestNamespace, wait_for};

/// Waits for `status.ready` and returns the Performer.
pub async fn wait_ready(ns: &TestNamespace, name: &str, timeout: Duration) -> Performer {
    let api: Api<Performer> = ns.api();
    wait_for(timeout, format!("performer {name} ready"), || async {
        let p = api.get(name).await.map_err(|e| e.to_string())?;
        match p.status.as_ref() {
            Some(s) if s.ready => Ok(p),
            s => Err(format!("status {s:?}")),
        }
    })
    .await
}

/// The pods labelled as Performer `name`'s.
pub async fn pods_of(ns: &TestNamespace, name: &str) -> Vec<Pod> {
    let pods: Api<Pod> = ns.api();
    pods.list(&ListParams::default().labels(&format!("hourglass.eigenlayer.io/performer={name}")))
        .await
        .unwrap()
        .items
}

/// Ready addresses in the EndpointSlices of Service `service` in `ns`.
pub async fn ready_addresses(ns: &TestNamespace, service: &str) -> usize {
    let slices: Api<EndpointSlice> = ns.api();
    slices
        .list(&ListParams::default().labels(&format!("kubernetes.io/service-name={service}")))
        .await
        .map(|l| {
            l.items
                .iter()
                .flat_map(|s| s.endpoints.iter().flatten())
                .filter(|e| e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(false))
                .count()
        })
        .unwrap_or(0)
}
