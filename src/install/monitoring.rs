//! What `hgctl install --monitoring` adds (pure): a Service in front of the operator's
//! `/metrics`, and, for clusters that run the Prometheus Operator, a ServiceMonitor that
//! scrapes it and a PrometheusRule with hgctl's alerts. The alert rules are also the
//! input of `promtool test rules` (tests/monitoring/).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::{ApiResource, DynamicObject};
use serde_json::{Value, json};

use super::manifests::{METRICS_PORT, NAME, labels, meta};
use crate::error::{Error, Result};

/// API group of the Prometheus Operator's CRDs.
pub const GROUP: &str = "monitoring.coreos.com";
/// Name of the metrics Service, the ServiceMonitor and the PrometheusRule.
pub const METRICS_SERVICE: &str = "hgctl-operator-metrics";

/// The Prometheus Operator kinds hgctl installs, as the API names them.
pub fn service_monitor_resource() -> ApiResource {
    resource("ServiceMonitor", "servicemonitors")
}

pub fn prometheus_rule_resource() -> ApiResource {
    resource("PrometheusRule", "prometheusrules")
}

fn resource(kind: &str, plural: &str) -> ApiResource {
    ApiResource {
        group: GROUP.into(),
        version: "v1".into(),
        api_version: format!("{GROUP}/v1"),
        kind: kind.into(),
        plural: plural.into(),
    }
}

/// The Service that selects the operator pod's `metrics` port.
pub fn metrics_service(ns: &str) -> Service {
    let mut metadata = meta(METRICS_SERVICE, Some(ns));
    metadata
        .labels
        .get_or_insert_with(Default::default)
        .insert("app.kubernetes.io/component".into(), "metrics".into());
    Service {
        metadata,
        spec: Some(ServiceSpec {
            selector: Some(BTreeMap::from([(
                "app.kubernetes.io/name".to_string(),
                NAME.to_string(),
            )])),
            ports: Some(vec![ServicePort {
                name: Some("metrics".into()),
                port: METRICS_PORT,
                target_port: Some(IntOrString::String("metrics".into())),
                protocol: Some("TCP".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Scrapes the metrics Service every 30 s.
pub fn service_monitor(ns: &str) -> Result<DynamicObject> {
    dynamic(
        &service_monitor_resource(),
        ns,
        json!({
            "selector": {"matchLabels": {
                "app.kubernetes.io/name": NAME,
                "app.kubernetes.io/component": "metrics",
            }},
            "endpoints": [{"port": "metrics", "path": "/metrics", "interval": "30s"}],
        }),
    )
}

/// hgctl's alerts as a PrometheusRule.
pub fn prometheus_rule(ns: &str) -> Result<DynamicObject> {
    dynamic(
        &prometheus_rule_resource(),
        ns,
        json!({"groups": rule_groups()}),
    )
}

fn dynamic(resource: &ApiResource, ns: &str, spec: Value) -> Result<DynamicObject> {
    let mut metadata = meta(METRICS_SERVICE, Some(ns));
    metadata.labels = Some(labels());
    let object = json!({
        "apiVersion": resource.api_version,
        "kind": resource.kind,
        "metadata": metadata,
        "spec": spec,
    });
    serde_json::from_value(object)
        .map_err(|e| Error::Internal(format!("building {}: {e}", resource.kind)))
}

/// One alert: name, PromQL, how long it must hold, severity, and the text on-call reads.
pub struct Alert {
    pub name: &'static str,
    pub expr: &'static str,
    pub for_: &'static str,
    pub severity: &'static str,
    pub summary: &'static str,
    pub runbook: &'static str,
}

/// Every alert hgctl ships. The expressions take `max by` the object's labels, so two
/// scraped hgctl processes (an operator and a run-local) never double an alert.
pub const ALERTS: &[Alert] = &[
    Alert {
        name: "HgctlPerformerNotReady",
        expr: "max by (namespace, performer, avs) (hgctl_performer_ready) == 0",
        for_: "10m",
        severity: "warning",
        summary: "Performer {{ $labels.namespace }}/{{ $labels.performer }} has not been ready for 10 minutes",
        runbook: "The executor cannot call this AVS's performer. Run `hgctl describe performer {{ $labels.performer }} -n {{ $labels.namespace }}` and `hgctl doctor -n {{ $labels.namespace }} {{ $labels.performer }}`: they name the cause (unschedulable, image pull, crash loop, failing probe, lost node) and the fix. `hgctl_performers_not_ready` counts the reasons.",
    },
    Alert {
        name: "HgctlPerformerUpgradeBlocked",
        expr: "max by (namespace, performer, avs) (hgctl_performer_upgrading) == 1 unless max by (namespace, performer, avs) (hgctl_performer_rollout_queued) == 1",
        for_: "30m",
        severity: "warning",
        summary: "The rollout of Performer {{ $labels.namespace }}/{{ $labels.performer }} has not finished in 30 minutes",
        runbook: "The old pod still serves; the new one does not become ready. `hgctl describe performer {{ $labels.performer }} -n {{ $labels.namespace }}` shows the new pod's state (Progressing condition and events). Fix the new spec (image, probes, resources), or roll back by restoring the previous spec.",
    },
    Alert {
        name: "HgctlExecutorDown",
        expr: "max by (namespace, executor) (hgctl_executor_ready_replicas) == 0 and max by (namespace, executor) (hgctl_executor_replicas) > 0",
        for_: "5m",
        severity: "critical",
        summary: "HourglassExecutor {{ $labels.namespace }}/{{ $labels.executor }} has no ready replica",
        runbook: "No executor runs tasks for this operator. `hgctl describe executor {{ $labels.executor }} -n {{ $labels.namespace }}` shows the workload and its config; `kubectl logs -n {{ $labels.namespace }} -l hourglass.eigenlayer.io/executor={{ $labels.executor }}` the executor's own error (keys, RPC endpoints, config).",
    },
    Alert {
        name: "HgctlNoLeader",
        expr: "max(hgctl_leader) < 1 or absent(hgctl_leader)",
        for_: "5m",
        severity: "critical",
        summary: "No hgctl controller holds the leader-election lease",
        runbook: "Nothing reconciles Performers or executors: changes and failures go unanswered. `kubectl get deploy,pods -n hourglass-system` shows the operator; `kubectl get lease hgctl-operator -n hourglass-system -o yaml` the last holder. `hgctl doctor` checks the installation. A `hgctl run-local` that holds the lease without --metrics-addr is not scraped and looks like no leader.",
    },
    Alert {
        name: "HgctlReconcileErrorsRising",
        expr: "sum by (kind) (rate(hgctl_reconcile_errors_total[10m])) / sum by (kind) (rate(hgctl_reconciles_total[10m])) > 0.1",
        for_: "15m",
        severity: "warning",
        summary: "More than 10% of hgctl's {{ $labels.kind }} reconciles fail",
        runbook: "The operator's log says which objects fail and why (`kubectl logs -n hourglass-system deploy/hgctl-operator`); Warning events on the objects too (`kubectl get events -A --field-selector type=Warning`). Common causes: RBAC rights removed (`hgctl doctor`), an admission webhook refusing pods, API server overload.",
    },
    Alert {
        name: "HgctlGpusHeldByNotReadyPerformers",
        expr: "sum by (namespace) (max by (namespace, performer, avs) (hgctl_performer_gpus_requested) * on (namespace, performer, avs) (max by (namespace, performer, avs) (hgctl_performer_ready) == bool 0) * on (namespace, performer, avs) (max by (namespace, performer, avs) (hgctl_performer_phase{phase=\"Pending\"}) == bool 0)) > 0",
        for_: "15m",
        severity: "warning",
        summary: "{{ $value }} GPUs in namespace {{ $labels.namespace }} are held by Performers that are not ready",
        runbook: "Pods placed on GPU nodes do not serve (crash loop, failing probe): the GPUs are paid for and idle. `hgctl status -n {{ $labels.namespace }}` lists the Performers that are not ready with the reason; fix or delete them. Unschedulable Performers hold no GPU and are not counted.",
    },
];

/// The rule groups, as a PrometheusRule's `spec.groups` and a Prometheus rule file share them.
pub fn rule_groups() -> Value {
    let rules: Vec<Value> = ALERTS
        .iter()
        .map(|a| {
            json!({
                "alert": a.name,
                "expr": a.expr,
                "for": a.for_,
                "labels": {"severity": a.severity},
                "annotations": {"summary": a.summary, "runbook": a.runbook},
            })
        })
        .collect();
    json!([{"name": "hgctl", "rules": rules}])
}

/// A Prometheus rule file (`groups:`), for promtool and for Prometheus without the operator.
pub fn rule_file() -> Result<String> {
    crate::output::yaml(&json!({"groups": rule_groups()}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_selects_the_operator_pod_by_its_port_name() {
        let svc = metrics_service("hourglass-system");
        let spec = svc.spec.unwrap();
        assert_eq!(
            spec.selector.unwrap()["app.kubernetes.io/name"],
            "hgctl-operator"
        );
        let port = &spec.ports.unwrap()[0];
        assert_eq!(port.port, METRICS_PORT);
        assert_eq!(
            port.target_port,
            Some(IntOrString::String("metrics".into()))
        );
    }

    #[test]
    fn the_service_monitor_selects_the_metrics_service() {
        let sm = service_monitor("ops").unwrap();
        assert_eq!(sm.metadata.namespace.as_deref(), Some("ops"));
        let selector = &sm.data["spec"]["selector"]["matchLabels"];
        let svc = metrics_service("ops");
        let labels = svc.metadata.labels.unwrap();
        for (k, v) in selector.as_object().unwrap() {
            assert_eq!(labels.get(k).map(String::as_str), v.as_str(), "{k}");
        }
        assert_eq!(sm.data["spec"]["endpoints"][0]["port"], "metrics");
    }

    #[test]
    fn every_alert_has_a_severity_a_summary_and_a_runbook() {
        let rule = prometheus_rule("ops").unwrap();
        let rules = rule.data["spec"]["groups"][0]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), ALERTS.len());
        for r in rules {
            assert!(r["alert"].as_str().unwrap().starts_with("Hgctl"));
            assert!(["warning", "critical"].contains(&r["labels"]["severity"].as_str().unwrap()));
            assert!(r["annotations"]["runbook"].as_str().unwrap().len() > 80);
            assert!(r["for"].as_str().unwrap().ends_with('m'));
        }
        let file = rule_file().unwrap();
        assert!(file.starts_with("groups:"), "{file}");
    }
}
