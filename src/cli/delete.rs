//! `hgctl performer delete` / `hgctl executor delete`: delete one object; its
//! children go by ownerReference garbage collection (no finalizer blocks it).

use kube::Resource;
use kube::api::{Api, DeleteParams};
use serde::de::DeserializeOwned;

use super::args::{DeleteArgs, GlobalArgs};
use crate::api::{HourglassExecutor, Performer};
use crate::error::{Error, Result};
use crate::{cluster, output};

/// Deletes a Performer.
pub async fn performer(global: &GlobalArgs, args: &DeleteArgs) -> Result<()> {
    delete::<Performer>(global, args, "performer").await
}

/// Deletes an HourglassExecutor.
pub async fn executor(global: &GlobalArgs, args: &DeleteArgs) -> Result<()> {
    delete::<HourglassExecutor>(global, args, "hourglassexecutor").await
}

async fn delete<K>(global: &GlobalArgs, args: &DeleteArgs, kind: &str) -> Result<()>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug
        + Send
        + 'static,
{
    let conn = cluster::connection(global).await?;
    let api: Api<K> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let name = &args.name;
    match api.delete(name, &DeleteParams::background()).await {
        Ok(_) => {}
        Err(kube::Error::Api(s)) if s.code == 404 => {
            return Err(Error::NotFound {
                kind: kind.to_string(),
                name: name.clone(),
                namespace: conn.namespace.clone(),
                help: Some(format!(
                    "`hgctl get {kind}s -n {}` lists what exists",
                    conn.namespace
                )),
            });
        }
        Err(e) => return Err(Error::kube(format!("deleting {kind} {name}"), e)),
    }
    if args.wait {
        let bar = super::create::spinner(format!("waiting for {kind} {name} to be deleted"));
        let gone = super::wait::until(
            &api,
            name,
            |o: Option<&K>| o.is_none(),
            args.timeout,
            &format!("{kind} {name} to be deleted"),
            &format!(
                "`hgctl {} describe {name}` shows what holds it (a finalizer or a stuck child)",
                if kind == "performer" {
                    "performer"
                } else {
                    "executor"
                }
            ),
        )
        .await;
        bar.finish_and_clear();
        gone?;
    }
    output::print(&format!("{kind}.hourglass.eigenlayer.io/{name} deleted\n"))
}
