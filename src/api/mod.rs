//! API types of `hourglass.eigenlayer.io/v1alpha1` and the CRDs generated from them.

pub mod columns;
pub mod conditions;
pub mod executor;
pub mod performer;
pub mod template;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceColumnDefinition, CustomResourceDefinition,
};
use kube::CustomResourceExt;

pub use executor::{HourglassExecutor, HourglassExecutorSpec, HourglassExecutorStatus};
pub use performer::{Performer, PerformerSpec, PerformerStatus};

use columns::Column;

/// API group of both kinds.
pub const GROUP: &str = "hourglass.eigenlayer.io";
/// Served and stored version of both kinds.
pub const VERSION: &str = "v1alpha1";

/// Both CRDs, as `hgctl crds` prints them and `hgctl install` applies them.
pub fn crds() -> Vec<CustomResourceDefinition> {
    vec![
        with_columns(Performer::crd(), columns::PERFORMER),
        with_columns(HourglassExecutor::crd(), columns::EXECUTOR),
    ]
}

/// Printer columns come from the same table `hgctl get` renders, so
/// `kubectl get performers` and `hgctl get performers` agree.
fn with_columns(mut crd: CustomResourceDefinition, cols: &[Column]) -> CustomResourceDefinition {
    let printer: Vec<CustomResourceColumnDefinition> = cols
        .iter()
        .filter(|c| c.printer)
        .map(|c| CustomResourceColumnDefinition {
            name: c.name.to_string(),
            type_: c.kind.openapi_type().to_string(),
            json_path: c.json_path.to_string(),
            description: Some(c.description.to_string()),
            priority: (c.priority > 0).then_some(c.priority),
            format: None,
        })
        .collect();
    for version in &mut crd.spec.versions {
        version.additional_printer_columns = Some(printer.clone());
    }
    crd
}
