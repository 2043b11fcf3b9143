//! `hgctl performer create` and `hgctl executor create`: scaffold (flags, prompts
//! or `-f`), then print (`--dry-run`, `-o`), check (`--check`) or apply with
//! server-side apply and optionally wait. The pure parts are in [`crate::scaffold`]
//! and [`crate::scheduling`].

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use k8s_openapi::api::core::v1::{Node, Pod, Secret};
use k8s_openapi::api::node::v1::RuntimeClass;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::{Client, Resource, ResourceExt};

use super::args::{ExecutorCreateArgs, GlobalArgs, OutputFormat, PerformerCreateArgs};
use crate::api::conditions::{self, reason};
use crate::api::{HourglassExecutor, Performer};
use crate::error::{Error, Result};
use crate::scaffold::{self, executor::Scaffold};
use crate::{cluster, hardware, output, render, scheduling};

/// Whether prompts are allowed: both stdin and stderr are terminals and no `--yes`.
fn interactive(yes: bool) -> bool {
    !yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn output_format(global: &GlobalArgs) -> Result<Option<OutputFormat>> {
    match global.output {
        None | Some(OutputFormat::Yaml) | Some(OutputFormat::Json) => Ok(global.output),
        Some(other) => Err(Error::flag(
            "--output",
            format!("create prints yaml or json, not {}", other.as_str()),
            "use -o yaml or -o json (both print and change nothing)",
        )),
    }
}

fn print_object<T: serde::Serialize>(objects: &[T], format: Option<OutputFormat>) -> Result<()> {
    match format {
        Some(OutputFormat::Json) => {
            for o in objects {
                output::print(&output::json(o)?)?;
            }
            Ok(())
        }
        _ => output::print(&output::yaml_stream(objects)?),
    }
}

/// Reads `-f FILE` or `-f -` (stdin; refuses a terminal so it never waits for typing).
fn read_source(file: &str) -> Result<String> {
    if file == "-" {
        return crate::declarative::documents::read_stdin(
            "pipe the YAML in: `cat performer.yaml | hgctl performer create -f -`",
        );
    }
    std::fs::read_to_string(file).map_err(|e| Error::Io {
        path: file.to_string(),
        source: e,
    })
}

/// `hgctl performer create`.
pub async fn performer(global: &GlobalArgs, mut args: Box<PerformerCreateArgs>) -> Result<()> {
    let format = output_format(global)?;
    let performer = match args.filename.clone() {
        Some(file) => {
            let text = read_source(&file)?;
            scaffold::file::performer(&file, &text, global.namespace.as_deref())?
        }
        None => {
            if interactive(args.apply.yes) {
                prompt_performer(&mut args)?;
            }
            scaffold::performer::build(&args, global.namespace.as_deref())?
        }
    };

    if args.apply.dry_run || format.is_some() {
        print_object(&[&performer], format)?;
        if !args.check {
            return Ok(());
        }
    }
    let conn = cluster::connection(global).await?;
    let mut performer = performer;
    if performer.metadata.namespace.is_none() {
        performer.metadata.namespace = Some(conn.namespace.clone());
    }
    let ns = conn.namespace.clone();
    let ns = performer.metadata.namespace.clone().unwrap_or(ns);
    let client = conn.client;

    if args.check {
        let fits = check(&client, &performer).await?;
        let text = fits
            .as_ref()
            .map(|f| scheduling::report(f))
            .unwrap_or_default();
        if args.apply.dry_run || format.is_some() {
            eprint!("{text}");
        } else {
            output::print(&text)?;
        }
        return match fits {
            Some(f) if !f.iter().any(scheduling::NodeFit::fits) => {
                Err(no_node_fits(&performer, &f))
            }
            _ => Ok(()),
        };
    }

    if args.apply.wait {
        // What-if first, so a performer no node can take is explained before the wait.
        if let Some(fits) = check(&client, &performer).await?
            && !fits.iter().any(scheduling::NodeFit::fits)
        {
            eprint!("{}", scheduling::report(&fits));
            eprintln!(
                "warning: no node fits performer {} now; applying anyway (a node may be added)",
                performer.name_any()
            );
        }
    }

    let api: Api<Performer> = Api::namespaced(client.clone(), &ns);
    let verb = apply(&api, &performer).await?;
    output::print(&format!(
        "performer.hourglass.eigenlayer.io/{} {verb}\n",
        performer.name_any()
    ))?;
    if args.apply.wait {
        wait_ready(&api, &ns, &performer.name_any(), args.apply.timeout).await?;
    }
    Ok(())
}

fn no_node_fits(performer: &Performer, fits: &[scheduling::NodeFit]) -> Error {
    Error::Unschedulable {
        message: format!(
            "no node can run performer {} ({} nodes checked)",
            performer.name_any(),
            fits.len()
        ),
        help: Some(
            "the lines above say why per node: add the missing label/capacity to a node, tolerate its taint, or change --gpu/--tee/--node-selector".into(),
        ),
    }
}

/// Renders the pod and evaluates it against the cluster. `None` when nodes may not be listed.
async fn check(client: &Client, performer: &Performer) -> Result<Option<Vec<scheduling::NodeFit>>> {
    let desired = render::performer::desired_pod(performer)
        .map_err(|e| Error::Internal(format!("rendering the pod: {e}")))?;
    let nodes = match Api::<Node>::all(client.clone())
        .list(&ListParams::default())
        .await
    {
        Ok(list) => list.items,
        Err(kube::Error::Api(s)) if s.code == 403 => {
            eprintln!(
                "warning: you may not list nodes ({}); skipping the scheduling check",
                s.message
            );
            return Ok(None);
        }
        Err(e) => return Err(Error::kube("listing nodes", e)),
    };
    let pods = match Api::<Pod>::all(client.clone())
        .list(&ListParams::default().fields("status.phase!=Succeeded,status.phase!=Failed"))
        .await
    {
        Ok(list) => list.items,
        Err(kube::Error::Api(s)) if s.code == 403 => {
            eprintln!(
                "warning: you may not list pods in all namespaces; free capacity ignores running pods"
            );
            Vec::new()
        }
        Err(e) => return Err(Error::kube("listing pods", e)),
    };
    let runtime_classes = match Api::<RuntimeClass>::all(client.clone())
        .list(&ListParams::default())
        .await
    {
        Ok(list) => list.items,
        Err(kube::Error::Api(s)) if s.code == 403 => {
            eprintln!("warning: you may not list RuntimeClasses; assuming they exist");
            Vec::new()
        }
        Err(e) => return Err(Error::kube("listing RuntimeClasses", e)),
    };
    let devices = dra_devices(client, performer).await?;
    let mut pod = desired.pod;
    // Without the RuntimeClass list, do not report it missing.
    if runtime_classes.is_empty()
        && let Some(spec) = pod.spec.as_mut()
        && spec.runtime_class_name.is_some()
    {
        let mut fits = scheduling::evaluate(&pod, &nodes, &pods, &[], devices);
        scheduling::runtime_classes_unknown(&mut fits);
        return Ok(Some(fits));
    }
    Ok(Some(scheduling::evaluate(
        &pod,
        &nodes,
        &pods,
        &runtime_classes,
        devices,
    )))
}

/// For a Performer whose GPUs come through DRA: the devices published and free, the
/// DeviceClasses, and the claim its template will make. Nothing is read otherwise.
async fn dra_devices(client: &Client, performer: &Performer) -> Result<scheduling::Devices> {
    use k8s_openapi::api::resource::v1::{DeviceClass, ResourceClaim, ResourceSlice};
    let Some(claim) = render::performer::dra_gpu_claim(performer) else {
        return Ok(scheduling::Devices::default());
    };
    // Without the devices, a DRA claim is not checked at all.
    let Some(slices) = list_dra::<ResourceSlice>(client, "ResourceSlices").await? else {
        return Ok(scheduling::Devices::default());
    };
    let classes = list_dra::<DeviceClass>(client, "DeviceClasses").await?;
    let claims = list_dra::<ResourceClaim>(client, "ResourceClaims").await?;
    let mut devices = scheduling::Devices::of(
        &slices,
        classes.as_deref().unwrap_or_default(),
        claims.as_deref().unwrap_or_default(),
    );
    if classes.is_none() {
        devices = devices.classes_unknown();
    }
    let name = render::performer::gpu_claim_template_name(performer, &claim);
    let ns = performer.metadata.namespace.as_deref().unwrap_or_default();
    Ok(devices.with_template(ns, name, claim))
}

/// Every object of a DRA kind; None (with a warning) when the API is missing or forbidden.
async fn list_dra<K>(client: &Client, what: &str) -> Result<Option<Vec<K>>>
where
    K: Resource<DynamicType = ()> + Clone + std::fmt::Debug + serde::de::DeserializeOwned,
{
    match Api::<K>::all(client.clone())
        .list(&ListParams::default())
        .await
    {
        Ok(list) => Ok(Some(list.items)),
        Err(kube::Error::Api(s)) if s.code == 403 || s.code == 404 => {
            eprintln!(
                "warning: cannot list {what} ({}); the DRA check goes without them",
                s.message
            );
            Ok(None)
        }
        Err(e) => Err(Error::kube(format!("listing {what}"), e)),
    }
}

/// Server-side apply; returns created, configured or unchanged.
async fn apply<K>(api: &Api<K>, object: &K) -> Result<&'static str>
where
    K: Resource + Clone + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
    K::DynamicType: Default,
{
    let name = object.name_any();
    let what = format!("{} {name}", K::kind(&K::DynamicType::default()));
    apply_as(api, &name, &what, object, false).await
}

/// Server-side apply of `object` (typed or not) with hgctl's field manager, optionally as
/// a server-side dry run; returns created, configured or unchanged.
pub(crate) async fn apply_as<K>(
    api: &Api<K>,
    name: &str,
    what: &str,
    object: &(impl serde::Serialize + std::fmt::Debug),
    dry_run: bool,
) -> Result<&'static str>
where
    K: Resource + Clone + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
{
    let before = api
        .get_opt(name)
        .await
        .map_err(|e| Error::kube(format!("reading {what}"), e))?;
    let mut params = PatchParams::apply(crate::install::manifests::FIELD_MANAGER);
    params.dry_run = dry_run;
    let after = api
        .patch(name, &params, &Patch::Apply(object))
        .await
        .map_err(|e| match e {
            kube::Error::Api(s) if s.code == 409 => Error::Refused {
                message: format!("{what} has fields another tool manages: {}", s.message),
                help: Some(
                    "change them with the tool that owns them, or delete the object and create it again".into(),
                ),
            },
            e => Error::kube(format!("applying {what}"), e),
        })?;
    Ok(match before {
        None => "created",
        Some(b) if same(&b, &after, !dry_run) => "unchanged",
        Some(_) => "configured",
    })
}

/// Same resourceVersion (when it can be trusted: a dry run keeps it), or only status /
/// bookkeeping changed in between (a controller's status write between our read and our
/// apply is not our change).
fn same<K: serde::Serialize + Resource>(before: &K, after: &K, trust_version: bool) -> bool {
    if trust_version && before.meta().resource_version == after.meta().resource_version {
        return true;
    }
    let strip = |o: &K| {
        let mut v = serde_json::to_value(o).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.remove("status");
        }
        if let Some(meta) = v.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            for volatile in ["resourceVersion", "managedFields", "generation"] {
                meta.remove(volatile);
            }
        }
        v
    };
    strip(before) == strip(after)
}

/// Waits until the Performer is ready for its current generation; fails fast when the
/// reconciler reports `Scheduled=False Unschedulable`.
async fn wait_ready(
    api: &Api<Performer>,
    namespace: &str,
    name: &str,
    timeout: Duration,
) -> Result<()> {
    let unschedulable = |p: &Performer| {
        let status = p.status.as_ref()?;
        conditions::find(status.conditions.as_deref(), conditions::SCHEDULED)
            .filter(|c| c.status == "False" && c.reason == reason::UNSCHEDULABLE)
            .map(|c| c.message.clone())
    };
    let ready = |p: &Performer| {
        p.status.as_ref().is_some_and(|s| {
            s.ready
                && s.observed_generation
                    .is_none_or(|g| Some(g) >= p.metadata.generation)
        })
    };
    let bar = spinner(format!("waiting for performer {name} to be ready"));
    let found = super::wait::until(
        api,
        name,
        |p: Option<&Performer>| p.is_none_or(|p| ready(p) || unschedulable(p).is_some()),
        timeout,
        &format!("performer {name} to be ready"),
        &format!("raise --timeout, or see why with `hgctl performer describe {name}`"),
    )
    .await;
    bar.finish_and_clear();
    let Some(p) = found? else {
        return Err(Error::NotFound {
            kind: "performer".into(),
            name: name.into(),
            namespace: namespace.to_string(),
            help: Some("it was deleted while waiting".into()),
        });
    };
    match unschedulable(&p) {
        Some(message) if !ready(&p) => Err(Error::Unschedulable {
            message: format!("performer {name} cannot be scheduled: {message}"),
            help: Some(format!(
                "`hgctl performer create ... --check` explains per node why; `hgctl performer describe {name}` shows events"
            )),
        }),
        _ => Ok(()),
    }
}

/// A spinner on stderr, hidden when stderr is not a terminal.
pub(crate) fn spinner(message: String) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn prompt_error(e: dialoguer::Error) -> Error {
    Error::usage(
        format!("prompt failed: {e}"),
        "pass the values as flags, with --yes to never prompt",
    )
}

/// Asks for what is missing: NAME, --image, --avs, and offers GPU and TEE lists.
fn prompt_performer(args: &mut PerformerCreateArgs) -> Result<()> {
    use dialoguer::{Input, Select};
    if args.name.is_some() && args.image.is_some() && args.avs.is_some() {
        return Ok(());
    }
    if args.name.is_none() {
        let name: String = Input::new()
            .with_prompt("Performer name")
            .validate_with(|s: &String| {
                scaffold::performer::check_name(s).map_err(|e| e.to_string())
            })
            .interact_text()
            .map_err(prompt_error)?;
        args.name = Some(name);
    }
    if args.image.is_none() {
        let image: String = Input::new()
            .with_prompt("Container image")
            .validate_with(|s: &String| {
                scaffold::performer::check_image("--image", s).map_err(|e| e.to_string())
            })
            .interact_text()
            .map_err(prompt_error)?;
        args.image = Some(image);
    }
    if args.avs.is_none() {
        let avs: String = Input::new()
            .with_prompt("AVS address (0x...)")
            .validate_with(|s: &String| {
                scaffold::performer::check_avs("--avs", s).map_err(|e| e.to_string())
            })
            .interact_text()
            .map_err(prompt_error)?;
        args.avs = Some(avs);
    }
    if args.gpu.is_none() {
        let mut items = vec!["none".to_string()];
        items.extend(
            hardware::GPU_MODELS
                .iter()
                .map(|m| format!("{} ({})", m.short, m.display)),
        );
        let choice = Select::new()
            .with_prompt("GPU")
            .items(&items)
            .default(0)
            .interact()
            .map_err(prompt_error)?;
        if choice > 0 {
            args.gpu = Some(hardware::GPU_MODELS[choice - 1].short.to_string());
        }
    }
    if args.tee.is_none() {
        let mut items = vec!["none".to_string()];
        items.extend(
            hardware::TEE_PROFILES
                .iter()
                .map(|p| format!("{} ({})", p.name, p.display)),
        );
        let choice = Select::new()
            .with_prompt("Trusted Execution Environment")
            .items(&items)
            .default(0)
            .interact()
            .map_err(prompt_error)?;
        if choice > 0 {
            args.tee = Some(hardware::TEE_PROFILES[choice - 1].name.to_string());
        }
    }
    Ok(())
}

/// Asks for NAME, --image, --operator-address and key file paths when missing.
fn prompt_executor(args: &mut ExecutorCreateArgs) -> Result<()> {
    use dialoguer::Input;
    if args.name.is_none() {
        let name: String = Input::new()
            .with_prompt("Executor name")
            .validate_with(|s: &String| {
                scaffold::executor::check_name(s).map_err(|e| e.to_string())
            })
            .interact_text()
            .map_err(prompt_error)?;
        args.name = Some(name);
    }
    if args.image.is_none() {
        let image: String = Input::new()
            .with_prompt("Executor image")
            .validate_with(|s: &String| {
                scaffold::performer::check_image("--image", s).map_err(|e| e.to_string())
            })
            .interact_text()
            .map_err(prompt_error)?;
        args.image = Some(image);
    }
    if args.operator_address.is_none() {
        let address: String = Input::new()
            .with_prompt("Operator address (0x...)")
            .validate_with(|s: &String| {
                scaffold::performer::check_avs("--operator-address", s).map_err(|e| e.to_string())
            })
            .interact_text()
            .map_err(prompt_error)?;
        args.operator_address = Some(address);
    }
    let no_keys = args.keys_secret.is_none()
        && args.operator_key_file.is_none()
        && args.ecdsa_key_file.is_none()
        && args.bls_keystore.is_none();
    if no_keys {
        // Paths only: the keys themselves are never typed or echoed.
        let path: String = Input::new()
            .with_prompt("File with the operator (transaction) private key, hex")
            .interact_text()
            .map_err(prompt_error)?;
        args.operator_key_file = Some(path.into());
        let path: String = Input::new()
            .with_prompt("File with the ECDSA signing key, hex")
            .interact_text()
            .map_err(prompt_error)?;
        args.ecdsa_key_file = Some(path.into());
    }
    Ok(())
}

/// `hgctl executor create`.
pub async fn executor(global: &GlobalArgs, mut args: Box<ExecutorCreateArgs>) -> Result<()> {
    let format = output_format(global)?;
    let scaffold = match args.filename.clone() {
        Some(file) => {
            let text = read_source(&file)?;
            Scaffold {
                executor: scaffold::file::executor(&file, &text, global.namespace.as_deref())?,
                secret: None,
                warnings: Vec::new(),
            }
        }
        None => {
            if interactive(args.apply.yes) {
                prompt_executor(&mut args)?;
            }
            scaffold::executor::build(&args, global.namespace.as_deref(), &|p| std::fs::read(p))?
        }
    };
    for w in &scaffold.warnings {
        eprintln!("warning: {w}");
    }
    if args.apply.dry_run || format.is_some() {
        // The Secret is shown with every value redacted.
        let mut objects: Vec<serde_json::Value> = Vec::new();
        if let Some(secret) = &scaffold.secret {
            objects.push(to_value(&scaffold::executor::redacted(secret))?);
        }
        objects.push(to_value(&scaffold.executor)?);
        return print_object(&objects, format);
    }
    let conn = cluster::connection(global).await?;
    let ns = scaffold
        .executor
        .metadata
        .namespace
        .clone()
        .unwrap_or(conn.namespace.clone());
    let client = conn.client;
    let mut executor = scaffold.executor;
    executor.metadata.namespace = Some(ns.clone());
    let secret_ref = executor
        .spec
        .config
        .as_ref()
        .and_then(|c| c.operator_keys.as_ref())
        .and_then(|k| k.secret_ref.as_ref())
        .map(|r| r.name.clone());
    let secrets: Api<Secret> = Api::namespaced(client.clone(), &ns);
    match scaffold.secret {
        Some(mut secret) => {
            secret.metadata.namespace = Some(ns.clone());
            let verb = apply(&secrets, &secret).await?;
            output::print(&format!("secret/{} {verb}\n", secret.name_any()))?;
        }
        None => {
            if let Some(name) = &secret_ref {
                match secrets.get_metadata_opt(name).await {
                    Ok(Some(_)) => {}
                    Ok(None) => {
                        return Err(Error::NotFound {
                            kind: "Secret".into(),
                            name: name.clone(),
                            namespace: ns.clone(),
                            help: Some(format!(
                                "create it first (keys {}, {}, {}, {}), or pass key files instead of --keys-secret",
                                crate::api::executor::SECRET_KEY_OPERATOR,
                                crate::api::executor::SECRET_KEY_ECDSA,
                                crate::api::executor::SECRET_KEY_BLS_KEYSTORE,
                                crate::api::executor::SECRET_KEY_BLS_PASSWORD
                            )),
                        });
                    }
                    Err(kube::Error::Api(s)) if s.code == 403 => {
                        eprintln!(
                            "warning: cannot check that Secret {name} exists: {}",
                            s.message
                        );
                    }
                    Err(e) => return Err(Error::kube(format!("reading Secret {name}"), e)),
                }
            }
        }
    }
    let api: Api<HourglassExecutor> = Api::namespaced(client.clone(), &ns);
    let verb = apply(&api, &executor).await?;
    output::print(&format!(
        "hourglassexecutor.hourglass.eigenlayer.io/{} {verb}\n",
        executor.name_any()
    ))?;
    if args.apply.wait {
        // The same wait as `hgctl wait executor/NAME`: Ready, or out early when it cannot be.
        let target = [(
            crate::declarative::documents::Kind::HourglassExecutor,
            executor.name_any(),
        )];
        super::apply::wait_ready(&client, &ns, &target, args.apply.timeout).await?;
    }
    Ok(())
}

fn to_value<T: serde::Serialize>(object: &T) -> Result<serde_json::Value> {
    serde_json::to_value(object).map_err(|e| Error::Internal(format!("serializing: {e}")))
}
