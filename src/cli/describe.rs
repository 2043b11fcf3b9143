//! `hgctl performer describe` / `hgctl executor describe`: a handful of list
//! calls, then the pure rendering in [`crate::output::describe`].

use k8s_openapi::api::core::v1::{Event, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::jiff::Timestamp;
use kube::Client;
use kube::api::{Api, ListParams};

use crate::api::{HourglassExecutor, Performer};
use crate::cli::args::{GlobalArgs, NameArgs, ResourceKind};
use crate::cli::get::not_found;
use crate::cluster::{self, Connection};
use crate::doctor::{self, CheckResult, executor_object, gather, performer_object};
use crate::error::{Error, Result};
use crate::output::describe;
use crate::output::get::PERFORMER_LABEL;

fn no_output_flag(global: &GlobalArgs) -> Result<()> {
    match global.output {
        None => Ok(()),
        Some(_) => Err(Error::flag(
            "--output",
            "describe has one layout",
            "for machine-readable output use `hgctl get performers NAME -o yaml`",
        )),
    }
}

/// Events whose involved object is one of `names` (one field-selected list per name).
async fn events_for(client: &Client, ns: &str, names: &[String]) -> Result<Vec<Event>> {
    let api: Api<Event> = Api::namespaced(client.clone(), ns);
    let mut all = Vec::new();
    for name in names {
        let params = ListParams::default().fields(&format!("involvedObject.name={name}"));
        match api.list(&params).await {
            Ok(list) => all.extend(list.items),
            // Events are a courtesy: no right to read them must not hide the rest.
            Err(kube::Error::Api(s)) if s.code == 403 => {}
            Err(e) => return Err(Error::kube("listing events", e)),
        }
    }
    Ok(all)
}

/// What doctor says about one object: the same pure checks, on a snapshot of its namespace.
async fn doctor_for(conn: &Connection, name: &str, object: &str) -> Vec<CheckResult> {
    let scope = gather::Scope {
        namespace: Some(conn.namespace.clone()),
        names: vec![name.to_string()],
        pre: false,
    };
    let snapshot = gather::gather(conn, &scope, Timestamp::now()).await;
    doctor::for_object(&snapshot, object)
}

/// Runs `hgctl performer describe NAME`.
pub async fn performer(global: &GlobalArgs, args: &NameArgs) -> Result<()> {
    no_output_flag(global)?;
    let conn = cluster::connection(global).await?;
    let (client, ns) = (conn.client.clone(), conn.namespace.clone());
    let name = &args.name;
    let performer = Api::<Performer>::namespaced(client.clone(), &ns)
        .get_opt(name)
        .await
        .map_err(|e| Error::kube(format!("getting performer {name}"), e))?
        .ok_or_else(|| not_found(ResourceKind::Performers, name, &ns))?;
    let pods = Api::<Pod>::namespaced(client.clone(), &ns)
        .list(&ListParams::default().labels(&format!("{PERFORMER_LABEL}={name}")))
        .await
        .map_err(|e| Error::kube("listing the performer's pods", e))?
        .items;
    let service_name = format!("{}{name}", crate::validate::SERVICE_PREFIX);
    let service = Api::<Service>::namespaced(client.clone(), &ns)
        .get_opt(&service_name)
        .await
        .map_err(|e| Error::kube(format!("getting service {service_name}"), e))?;
    let slices = Api::<EndpointSlice>::namespaced(client.clone(), &ns)
        .list(&ListParams::default().labels(&format!("kubernetes.io/service-name={service_name}")))
        .await
        .map_err(|e| Error::kube("listing endpoint slices", e))?
        .items;
    let mut names = vec![name.clone()];
    names.extend(pods.iter().filter_map(|p| p.metadata.name.clone()));
    let events = events_for(&client, &ns, &names).await?;
    let checks = doctor_for(&conn, name, &performer_object(&ns, name)).await;
    let executors = Api::<HourglassExecutor>::namespaced(client.clone(), &ns)
        .list(&ListParams::default())
        .await
        .map_err(|e| Error::kube("listing executors", e))?
        .items;
    let view = describe::PerformerView {
        executors: &executors,
        performer: &performer,
        pods: &pods,
        service: service.as_ref(),
        endpoint_slices: &slices,
        events: &events,
        doctor: &checks,
    };
    crate::output::print(&describe::performer(&view, Timestamp::now()))
}

/// Runs `hgctl executor describe NAME`.
pub async fn executor(global: &GlobalArgs, args: &NameArgs) -> Result<()> {
    no_output_flag(global)?;
    let conn = cluster::connection(global).await?;
    let (client, ns) = (conn.client.clone(), conn.namespace.clone());
    let name = &args.name;
    let executor = Api::<HourglassExecutor>::namespaced(client.clone(), &ns)
        .get_opt(name)
        .await
        .map_err(|e| Error::kube(format!("getting hourglassexecutor {name}"), e))?
        .ok_or_else(|| not_found(ResourceKind::Executors, name, &ns))?;
    // The executor's pods are the ones its scale selector names.
    let selector = executor.status.as_ref().and_then(|s| s.selector.clone());
    let pods = match selector {
        Some(sel) if !sel.is_empty() => {
            Api::<Pod>::namespaced(client.clone(), &ns)
                .list(&ListParams::default().labels(&sel))
                .await
                .map_err(|e| Error::kube("listing the executor's pods", e))?
                .items
        }
        _ => Vec::new(),
    };
    let mut names = vec![name.clone()];
    names.extend(pods.iter().filter_map(|p| p.metadata.name.clone()));
    let events = events_for(&client, &ns, &names).await?;
    let checks = doctor_for(&conn, name, &executor_object(&ns, name)).await;
    let performers = Api::<Performer>::namespaced(client.clone(), &ns)
        .list(&ListParams::default())
        .await
        .map_err(|e| Error::kube("listing performers", e))?
        .items;
    crate::output::print(&describe::executor(
        &executor,
        &performers,
        &pods,
        &events,
        &checks,
        Timestamp::now(),
    ))
}
