//! The writes both controllers make, each counted in the metrics under the verb
//! it did: server-side apply of a child, a status write only when the status
//! changed, and the deletion of a child (of an owned one only, when asked).

use kube::Resource;
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use serde::Serialize;
use serde_json::json;

use super::runtime::{Children, Object, Runtime, status_key};
use super::{FIELD_MANAGER, ReconcileError};

/// Server-side apply with the `hgctl` field manager, forced: hgctl owns these fields.
/// Answers with the object as the API server left it.
pub async fn apply<K: Object>(rt: &Runtime, ns: &str, obj: &K) -> Result<K, ReconcileError> {
    let name = obj.meta().name.clone().unwrap_or_default();
    let mut body =
        serde_json::to_value(obj).map_err(|e| ReconcileError::Internal(e.to_string()))?;
    body["apiVersion"] = json!(K::api_version(&()));
    body["kind"] = json!(K::kind(&()));
    if let Some(meta) = body.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        meta.remove("managedFields");
    }
    let applied = Api::<K>::namespaced(rt.client.clone(), ns)
        .patch(
            &name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&body),
        )
        .await
        .map_err(|e| ReconcileError::kube(format!("applying {} {ns}/{name}", K::kind(&())), e))?;
    rt.metrics.write("apply", plural::<K>());
    tracing::debug!(kind = %K::kind(&()), object = %format!("{ns}/{name}"), "applied");
    Ok(applied)
}

/// [`apply`] of a watched child: the cache answers with the write until it shows it.
pub async fn apply_child<K: Object>(
    rt: &Runtime,
    children: &Children<K>,
    ns: &str,
    obj: &K,
) -> Result<(), ReconcileError> {
    children.wrote(apply(rt, ns, obj).await?);
    Ok(())
}

/// Writes `status` on `obj` when it differs from `current` (the newest status known: see
/// [`super::runtime::WrittenStatuses`]); true when it wrote.
pub async fn write_status<K: Object, S: Serialize + PartialEq>(
    rt: &Runtime,
    obj: &K,
    current: Option<&S>,
    status: &S,
) -> Result<bool, ReconcileError> {
    if current == Some(status) {
        return Ok(false);
    }
    let ns = obj.meta().namespace.clone().unwrap_or_default();
    let name = obj.meta().name.clone().unwrap_or_default();
    let planned =
        serde_json::to_value(status).map_err(|e| ReconcileError::Internal(e.to_string()))?;
    let body = json!({
        "apiVersion": K::api_version(&()),
        "kind": K::kind(&()),
        "status": &planned,
    });
    let written = Api::<K>::namespaced(rt.client.clone(), &ns)
        .patch_status(
            &name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&body),
        )
        .await
        .map_err(|e| {
            ReconcileError::kube(
                format!("writing the status of {} {ns}/{name}", K::kind(&())),
                e,
            )
        })?;
    rt.written_statuses.wrote(
        status_key(obj),
        obj.meta().uid.clone(),
        written.meta().resource_version.as_deref(),
        planned,
        std::time::Instant::now(),
    );
    rt.metrics.write("patch", status_resource::<K>());
    Ok(true)
}

/// How a deletion ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// The API server accepted it.
    Now,
    /// Gone already, or (with a uid precondition) the name belongs to a newer object.
    Already,
}

/// Deletes `name`; one that is gone already is not an error.
pub async fn delete<K: Object>(
    rt: &Runtime,
    ns: &str,
    name: &str,
    params: &DeleteParams,
) -> Result<Deleted, ReconcileError> {
    match Api::<K>::namespaced(rt.client.clone(), ns)
        .delete(name, params)
        .await
    {
        Ok(_) => {
            rt.metrics.write("delete", plural::<K>());
            Ok(Deleted::Now)
        }
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(Deleted::Already),
        Err(kube::Error::Api(s)) if s.code == 409 && params.preconditions.is_some() => {
            Ok(Deleted::Already)
        }
        Err(e) => Err(ReconcileError::kube(
            format!("deleting {} {ns}/{name}", K::kind(&())),
            e,
        )),
    }
}

/// Deletes `child` when the object of uid `owner` owns it; leaves anyone else's alone.
pub async fn delete_owned<K: Object>(
    rt: &Runtime,
    owner: Option<&str>,
    child: &K,
) -> Result<Deleted, ReconcileError> {
    let owned = child
        .meta()
        .owner_references
        .iter()
        .flatten()
        .any(|o| Some(o.uid.as_str()) == owner);
    if !owned {
        return Ok(Deleted::Already);
    }
    let ns = child.meta().namespace.clone().unwrap_or_default();
    let name = child.meta().name.clone().unwrap_or_default();
    delete::<K>(rt, &ns, &name, &DeleteParams::background()).await
}

/// The resource name of `K` in the write metrics.
fn plural<K: Resource<DynamicType = ()>>() -> &'static str {
    match K::kind(&()).as_ref() {
        "Pod" => "pods",
        "ConfigMap" => "configmaps",
        "Secret" => "secrets",
        "Deployment" => "deployments",
        "StatefulSet" => "statefulsets",
        "Service" => "services",
        "ServiceAccount" => "serviceaccounts",
        "Role" => "roles",
        "RoleBinding" => "rolebindings",
        "NetworkPolicy" => "networkpolicies",
        "ResourceClaimTemplate" => "resourceclaimtemplates",
        _ => "other",
    }
}

fn status_resource<K: Resource<DynamicType = ()>>() -> &'static str {
    match K::kind(&()).as_ref() {
        "Performer" => "performers/status",
        "HourglassExecutor" => "hourglassexecutors/status",
        _ => "other/status",
    }
}
