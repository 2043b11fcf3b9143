//! End-to-end tests of `hgctl install`, `uninstall` and `operator` on the local control plane
//! (`tests/cluster/up.sh`, then `source /tmp/hgctl-cluster/env`).
//!
//! The cluster is shared: every test installs the operator into its own namespace (the
//! ClusterRole/Binding names carry it), and no test deletes the CRDs, which other tests use.
//! So CRD assertions check what install does to them (Established, unchanged on a second run),
//! not that install created them, and `uninstall --delete-data --yes` is not run here (it would
//! delete every Performer of every concurrent test); its refusal paths are.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SubjectAccessReview, SubjectAccessReviewSpec,
};
use k8s_openapi::api::core::v1::{Namespace, Pod, ServiceAccount};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ListParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use hgctl::install::manifests::{self, CLUSTER_RULES, LEASE_RULES};

const CRDS: [&str; 2] = [
    "performers.hourglass.eigenlayer.io",
    "hourglassexecutors.hourglass.eigenlayer.io",
];

fn kubeconfig() -> PathBuf {
    let path = std::env::var_os("HGCTL_TEST_KUBECONFIG").filter(|p| !p.is_empty()).map(PathBuf::from).unwrap_or_else(|| {
        panic!(
            "HGCTL_TEST_KUBECONFIG is not set: these end-to-end tests need the local test cluster. \
             Start it with tests/cluster/up.sh, then `source /tmp/hgctl-cluster/env`."
        )
    });
    assert!(
        path.is_file(),
        "HGCTL_TEST_KUBECONFIG={} does not exist: is the test cluster running?",
        path.display()
    );
    path
}

async fn client() -> Client {
    let path = kubeconfig();
    let kc = Kubeconfig::read_from(&path).expect("read kubeconfig");
    let config = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("kubeconfig");
    Client::try_from(config).expect("client")
}

/// A name no other test run uses.
fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}-{}-{:x}{}",
        std::process::id(),
        nanos % 0xfff,
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// Runs hgctl with stdin closed (so it never prompts) against `kubeconfig_path`.
fn hgctl_with(kubeconfig_path: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .arg("--kubeconfig")
        .arg(kubeconfig_path)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run hgctl")
}

fn hgctl(args: &[&str]) -> Output {
    hgctl_with(&kubeconfig(), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Whether the diagnostic on stderr contains `needle`, ignoring miette's line wrapping.
fn says(o: &Output, needle: &str) -> bool {
    let flat = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '│' | '×' | '╰' | '─' | '┬' | '├'))
            .collect()
    };
    flat(&stderr(o)).contains(&flat(needle))
}

fn assert_ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what} failed ({:?})\nstdout:\n{}\nstderr:\n{}",
        o.status,
        stdout(o),
        stderr(o)
    );
}

fn kubectl(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kubectl");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// Removes what a test's install created (never the CRDs), also when the test panics.
struct Installed {
    namespace: String,
    extra: Vec<(String, String)>,
}

impl Installed {
    fn new(namespace: &str) -> Self {
        Self {
            namespace: namespace.to_string(),
            extra: Vec::new(),
        }
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        if std::env::var_os("HGCTL_TEST_KEEP_NAMESPACES").is_some() {
            return;
        }
        let cluster = manifests::cluster_name(&self.namespace);
        let mut args = vec![
            "delete".to_string(),
            "--ignore-not-found".into(),
            "--wait=false".into(),
            format!("namespace/{}", self.namespace),
            format!("clusterrole/{cluster}"),
            format!("clusterrolebinding/{cluster}"),
        ];
        args.extend(self.extra.iter().map(|(k, n)| format!("{k}/{n}")));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let _ = kubectl(&args, None);
    }
}

/// Polls `check` until it returns Some, or panics after `timeout` with `what`.
async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `kind/name -> resourceVersion` of everything an install into `ns` owns (for the Deployment,
/// what only a write of spec or metadata changes; see below).
async fn resource_versions(client: &Client, ns: &str) -> BTreeMap<String, String> {
    let cluster = manifests::cluster_name(ns);
    let name = manifests::NAME;
    let rv = |m: &kube::api::ObjectMeta| m.resource_version.clone().expect("resourceVersion");
    let mut out = BTreeMap::new();
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    // The API server writes a new CRD's status (NamesAccepted, Established) on its own, a
    // moment after the create: like the Deployment below, a CRD counts as unchanged when what
    // hgctl owns is.
    for crd in CRDS {
        out.insert(
            format!("crd/{crd}"),
            written_by_hgctl(crds.get(crd).await.unwrap().metadata),
        );
    }
    let nsapi: Api<Namespace> = Api::all(client.clone());
    out.insert("ns".into(), rv(&nsapi.get(ns).await.unwrap().metadata));
    let sa: Api<ServiceAccount> = Api::namespaced(client.clone(), ns);
    out.insert("sa".into(), rv(&sa.get(name).await.unwrap().metadata));
    let cr: Api<ClusterRole> = Api::all(client.clone());
    out.insert("cr".into(), rv(&cr.get(&cluster).await.unwrap().metadata));
    let crb: Api<ClusterRoleBinding> = Api::all(client.clone());
    out.insert("crb".into(), rv(&crb.get(&cluster).await.unwrap().metadata));
    let role: Api<Role> = Api::namespaced(client.clone(), ns);
    out.insert("role".into(), rv(&role.get(name).await.unwrap().metadata));
    let rb: Api<RoleBinding> = Api::namespaced(client.clone(), ns);
    out.insert("rb".into(), rv(&rb.get(name).await.unwrap().metadata));
    // The deployment controller writes the Deployment's status whenever it likes (even after the
    // rollout settled), which moves its resourceVersion. What hgctl writes shows in the
    // generation, the metadata and hgctl's own managed-fields entry instead.
    let d: Api<Deployment> = Api::namespaced(client.clone(), ns);
    out.insert(
        "deploy".into(),
        written_by_hgctl(d.get(name).await.unwrap().metadata),
    );
    out
}

/// What a write by hgctl would change: the generation, labels, annotations and hgctl's own
/// managed-fields entry (a status written by a controller changes none of them).
fn written_by_hgctl(meta: kube::api::ObjectMeta) -> String {
    let hgctl_entry = meta
        .managed_fields
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.manager.as_deref() == Some("hgctl"))
        .map(|m| format!("{:?} {:?}", m.time, m.fields_v1))
        .collect::<Vec<_>>();
    format!(
        "generation={:?} labels={:?} annotations={:?} hgctl={hgctl_entry:?}",
        meta.generation, meta.labels, meta.annotations
    )
}

/// Waits until the operator Deployment in `ns` has fully rolled out (Available, and Progressing
/// with reason NewReplicaSetAvailable, every replica count at 1): after that the deployment
/// controller stops writing its status, so resourceVersions are stable.
async fn wait_available(client: &Client, ns: &str) {
    let api: Api<Deployment> = Api::namespaced(client.clone(), ns);
    wait_for(
        "the operator Deployment to be rolled out",
        Duration::from_secs(90),
        || {
            let api = api.clone();
            async move {
                let d = api.get(manifests::NAME).await.ok()?;
                let status = d.status?;
                let conditions = status.conditions.unwrap_or_default();
                let has = |type_: &str, reason: Option<&str>| {
                    conditions.iter().any(|c| {
                        c.type_.as_deref() == Some(type_)
                            && c.status.as_deref() == Some("True")
                            && reason.is_none_or(|r| c.reason.as_deref() == Some(r))
                    })
                };
                let one = Some(1);
                (has("Available", None)
                    && has("Progressing", Some("NewReplicaSetAvailable"))
                    && status.observed_generation == d.metadata.generation
                    && status.replicas == one
                    && status.ready_replicas == one
                    && status.updated_replicas == one
                    && status.available_replicas == one)
                    .then_some(())
            }
        },
    )
    .await;
}

/// Asserts no resourceVersion moved; on failure shows the Deployment (status, managed fields)
/// to tell our write from a controller's.
async fn assert_unchanged(client: &Client, ns: &str, before: &BTreeMap<String, String>) {
    let after = resource_versions(client, ns).await;
    if &after != before {
        let d = kubectl(
            &[
                "-n",
                ns,
                "get",
                "deploy",
                manifests::NAME,
                "-o",
                "yaml",
                "--show-managed-fields",
            ],
            None,
        );
        panic!(
            "resourceVersions moved:\nbefore {before:?}\nafter  {after:?}\n{}",
            stdout(&d)
        );
    }
}

async fn exists<K>(api: &Api<K>, name: &str) -> bool
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    api.get_opt(name).await.expect("get").is_some()
}

#[tokio::test]
async fn install_creates_everything_and_a_second_run_changes_nothing() {
    let client = client().await;
    let ns = unique("hg-inst");
    let _cleanup = Installed::new(&ns);

    let first = hgctl(&["install", "-n", &ns]);
    assert_ok(&first, "install");
    let lines: Vec<String> = stdout(&first).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 9, "one line per object:\n{}", stdout(&first));
    for line in &lines[..2] {
        assert!(
            line.starts_with("customresourcedefinition.apiextensions.k8s.io/"),
            "{line}"
        );
    }
    let cluster = manifests::cluster_name(&ns);
    assert_eq!(
        lines[2..],
        [
            format!("namespace/{ns} created"),
            "serviceaccount/hgctl-operator created".into(),
            format!("clusterrole.rbac.authorization.k8s.io/{cluster} created"),
            format!("clusterrolebinding.rbac.authorization.k8s.io/{cluster} created"),
            "role.rbac.authorization.k8s.io/hgctl-operator created".into(),
            "rolebinding.rbac.authorization.k8s.io/hgctl-operator created".into(),
            "deployment.apps/hgctl-operator created".into(),
        ]
    );

    // The objects are as described.
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    for name in CRDS {
        let crd = crds.get(name).await.unwrap();
        let established = crd.status.and_then(|s| s.conditions).unwrap_or_default();
        assert!(
            established
                .iter()
                .any(|c| c.type_ == "Established" && c.status == "True"),
            "{name} is Established once install returns"
        );
    }
    let namespace = Api::<Namespace>::all(client.clone())
        .get(&ns)
        .await
        .unwrap();
    assert_eq!(
        namespace.metadata.labels.unwrap()["pod-security.kubernetes.io/enforce"],
        "restricted"
    );
    let role = Api::<ClusterRole>::all(client.clone())
        .get(&cluster)
        .await
        .unwrap();
    assert_eq!(role.rules.unwrap().len(), CLUSTER_RULES.len());
    let binding = Api::<ClusterRoleBinding>::all(client.clone())
        .get(&cluster)
        .await
        .unwrap();
    let subject = &binding.subjects.unwrap()[0];
    assert_eq!(
        (subject.name.as_str(), subject.namespace.as_deref()),
        ("hgctl-operator", Some(ns.as_str()))
    );
    let lease_role = Api::<Role>::namespaced(client.clone(), &ns)
        .get("hgctl-operator")
        .await
        .unwrap();
    assert_eq!(lease_role.rules.unwrap().len(), LEASE_RULES.len());
    let deployment = Api::<Deployment>::namespaced(client.clone(), &ns)
        .get("hgctl-operator")
        .await
        .unwrap();
    let container = &deployment.spec.template.spec.as_ref().unwrap().containers[0];
    assert_eq!(
        container.image.as_deref(),
        Some(manifests::default_image().as_str())
    );

    // The restricted namespace admits the pod and kwok runs it.
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns);
    wait_for(
        "the operator pod to be Running",
        Duration::from_secs(90),
        || {
            let pods = pods.clone();
            async move {
                let list = pods
                    .list(&ListParams::default().labels("app.kubernetes.io/name=hgctl-operator"))
                    .await
                    .ok()?;
                list.items
                    .iter()
                    .any(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
                    .then_some(())
            }
        },
    )
    .await;

    // Second run: everything unchanged, no resourceVersion moves.
    wait_available(&client, &ns).await;
    let before = resource_versions(&client, &ns).await;
    let second = hgctl(&["install", "-n", &ns]);
    assert_ok(&second, "second install");
    for line in stdout(&second).lines() {
        assert!(
            line.ends_with(" unchanged"),
            "second install changed something: {line}"
        );
    }
    assert_eq!(stdout(&second).lines().count(), 9);
    assert_unchanged(&client, &ns, &before).await;

    // A real change is reported and seen (so the check above can fail).
    let changed = hgctl(&["install", "-n", &ns, "--image", "example.com/hgctl:other"]);
    assert_ok(&changed, "install --image");
    let text = stdout(&changed);
    let configured: Vec<&str> = text
        .lines()
        .filter(|l| !l.ends_with(" unchanged"))
        .collect();
    assert_eq!(configured, ["deployment.apps/hgctl-operator configured"]);
    assert_ne!(
        resource_versions(&client, &ns).await["deploy"],
        before["deploy"]
    );
    assert_ok(
        &hgctl(&["install", "-n", &ns]),
        "install back to the default image",
    );

    // --wait returns once the Deployment is Available.
    let waited = hgctl(&["install", "-n", &ns, "--wait", "--timeout", "90s"]);
    assert_ok(&waited, "install --wait");
    let d = Api::<Deployment>::namespaced(client.clone(), &ns)
        .get("hgctl-operator")
        .await
        .unwrap();
    let conditions = d.status.and_then(|s| s.conditions).unwrap_or_default();
    assert!(conditions.iter().any(|c| c.type_.as_deref() == Some("Available") && c.status.as_deref() == Some("True")));
    assert!(
        stderr(&waited).is_empty(),
        "no spinner without a terminal: {}",
        stderr(&waited)
    );
}

#[tokio::test]
async fn crds_only_installs_only_the_crds() {
    let client = client().await;
    let ns = unique("hg-crds");
    let _cleanup = Installed::new(&ns);
    let out = hgctl(&[
        "install",
        "--crds-only",
        "-n",
        &ns,
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert_ok(&out, "install --crds-only");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("customresourcedefinition."))
    );
    assert!(!exists(&Api::<Namespace>::all(client.clone()), &ns).await);
    let cluster = manifests::cluster_name(&ns);
    assert!(!exists(&Api::<ClusterRole>::all(client.clone()), &cluster).await);
    assert!(!exists(&Api::<ClusterRoleBinding>::all(client.clone()), &cluster).await);
}

#[tokio::test]
async fn dry_run_output_applied_with_kubectl_equals_install() {
    let client = client().await;
    let ns = unique("hg-export");
    let _cleanup = Installed::new(&ns);

    // No cluster is needed: an unreadable kubeconfig does not matter.
    let export = hgctl_with(
        std::path::Path::new("/nonexistent/kubeconfig"),
        &["install", "--export", "-n", &ns],
    );
    assert_ok(&export, "install --export");
    let yaml = stdout(&export);
    assert_eq!(yaml.matches("\n---\n").count(), 8, "9 documents");
    assert!(
        !exists(&Api::<Namespace>::all(client.clone()), &ns).await,
        "--export wrote nothing"
    );

    // Applying it with kubectl gives exactly what hgctl install would: install afterwards
    // changes nothing. (Server-side, because the CRDs are too large for kubectl's client-side
    // last-applied annotation, and as field manager hgctl so the ownership matches too.)
    let applied = kubectl(
        &["apply", "--server-side", "--field-manager=hgctl", "-f", "-"],
        Some(&yaml),
    );
    assert!(
        applied.status.success(),
        "kubectl apply: {}",
        stderr(&applied)
    );
    let before = resource_versions(&client, &ns).await;
    let install = hgctl(&["install", "-n", &ns]);
    assert_ok(&install, "install after kubectl apply");
    for line in stdout(&install).lines() {
        assert!(
            line.ends_with(" unchanged"),
            "kubectl-applied export differs from install: {line}"
        );
    }
    assert_unchanged(&client, &ns, &before).await;
}

#[tokio::test]
async fn a_user_lacking_a_right_gets_exit_4_naming_it_and_nothing_is_written() {
    let client = client().await;
    let ns = unique("hg-limited");
    let user = unique("hgctl-e2e-limited");
    let mut cleanup = Installed::new(&ns);
    cleanup.extra.push(("clusterrole".into(), user.clone()));
    cleanup
        .extra
        .push(("clusterrolebinding".into(), user.clone()));

    // Everything install needs except creating ClusterRoleBindings.
    let rbac = serde_json::json!({
    "apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": user},
         "rules": [
            {"apiGroups": ["apiextensions.k8s.io"], "resources": ["customresourcedefinitions"], "verbs": ["get", "list", "watch", "create", "patch"]},
            {"apiGroups": [""], "resources": ["namespaces", "serviceaccounts"], "verbs": ["get", "create", "patch"]},
            {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles", "roles", "rolebindings"], "verbs": ["get", "create", "patch", "escalate", "bind"]},
            {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterrolebindings"], "verbs": ["get", "patch"]},
            {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "create", "patch"]}
         ]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": user},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": user},
         "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}]}
    ]});
    let made = kubectl(&["apply", "-f", "-"], Some(&rbac.to_string()));
    assert!(made.status.success(), "{}", stderr(&made));

    // A kubeconfig that impersonates the limited user.
    let view = kubectl(
        &[
            "config",
            "view",
            "--raw",
            "--minify",
            "--flatten",
            "-o",
            "json",
        ],
        None,
    );
    let mut kc: serde_json::Value = serde_json::from_slice(&view.stdout).expect("kubeconfig json");
    kc["users"][0]["user"]["as"] = serde_json::json!(user);
    let dir = tempfile::tempdir().unwrap();
    let limited = dir.path().join("kubeconfig");
    std::fs::write(&limited, kc.to_string()).unwrap();

    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let mut crd_versions = Vec::new();
    for crd in CRDS {
        // generation, not resourceVersion: parallel tests re-apply the same CRDs with
        // another field manager, which bumps resourceVersion without changing the spec.
        crd_versions.push(crds.get(crd).await.unwrap().metadata.generation);
    }
    // RBAC changes reach the authorizer's cache asynchronously: wait until the user's role counts.
    wait_for(
        "the limited user's role to be effective",
        Duration::from_secs(30),
        || {
            let client = client.clone();
            let user = user.clone();
            async move {
                can_user(
                    &client,
                    &user,
                    &[],
                    "create",
                    "apps",
                    "deployments",
                    Some("x"),
                )
                .await
                .then_some(())
            }
        },
    )
    .await;

    let out = hgctl_with(&limited, &["install", "-n", &ns]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "exit 4 (forbidden)\nstdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        says(&out, "create clusterrolebindings.rbac.authorization.k8s.io"),
        "names the missing right: {}",
        stderr(&out)
    );
    assert!(
        stdout(&out).is_empty(),
        "nothing was applied: {}",
        stdout(&out)
    );
    assert!(!exists(&Api::<Namespace>::all(client.clone()), &ns).await);
    assert!(
        !exists(
            &Api::<ClusterRole>::all(client.clone()),
            &manifests::cluster_name(&ns)
        )
        .await
    );
    for (crd, rv) in CRDS.iter().zip(crd_versions) {
        assert_eq!(
            crds.get(crd).await.unwrap().metadata.generation,
            rv,
            "{crd} untouched"
        );
    }
}

async fn can_user(
    client: &Client,
    user: &str,
    groups: &[&str],
    verb: &str,
    group: &str,
    resource: &str,
    namespace: Option<&str>,
) -> bool {
    let (resource, subresource) = match resource.split_once('/') {
        Some((r, s)) => (r, Some(s.to_string())),
        None => (resource, None),
    };
    let review = SubjectAccessReview {
        spec: SubjectAccessReviewSpec {
            user: Some(user.into()),
            groups: Some(groups.iter().map(|g| g.to_string()).collect()),
            resource_attributes: Some(ResourceAttributes {
                verb: Some(verb.into()),
                group: Some(group.into()),
                resource: Some(resource.into()),
                subresource,
                namespace: namespace.map(str::to_string),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let api: Api<SubjectAccessReview> = Api::all(client.clone());
    let answer = api
        .create(&PostParams::default(), &review)
        .await
        .expect("SubjectAccessReview");
    answer.status.is_some_and(|s| s.allowed)
}

/// Secrets ARE readable cluster-wide: the executor reconciler writes `<name>-keys` in any
/// namespace and reads the Secret an executor references. What the account cannot do is
/// anything outside the reconcilers' work (nodes, RBAC objects cluster-wide, CRDs, namespaces,
/// exec, leases outside its own namespace, updating Secrets wholesale).
#[tokio::test]
async fn the_operator_account_has_least_privilege() {
    let client = client().await;
    let ns = unique("hg-rbac");
    let _cleanup = Installed::new(&ns);
    assert_ok(&hgctl(&["install", "-n", &ns]), "install");

    let sa = format!("system:serviceaccount:{ns}:hgctl-operator");
    let groups_owned = [
        "system:serviceaccounts".to_string(),
        format!("system:serviceaccounts:{ns}"),
        "system:authenticated".to_string(),
    ];
    let groups: Vec<&str> = groups_owned.iter().map(String::as_str).collect();
    let hg = "hourglass.eigenlayer.io";
    let allowed: &[(&str, &str, &str, Option<&str>)] = &[
        ("create", "", "pods", Some("some-workloads")),
        ("delete", "", "services", Some("some-workloads")),
        ("patch", hg, "performers/status", Some("some-workloads")),
        (
            "update",
            hg,
            "hourglassexecutors/scale",
            Some("some-workloads"),
        ),
        ("create", hg, "performers", Some("some-workloads")),
        ("create", "", "secrets", Some("some-workloads")),
        ("create", "apps", "statefulsets", Some("some-workloads")),
        (
            "create",
            "rbac.authorization.k8s.io",
            "roles",
            Some("some-workloads"),
        ),
        ("create", "events.k8s.io", "events", Some("some-workloads")),
        (
            "create",
            "networking.k8s.io",
            "networkpolicies",
            Some("some-workloads"),
        ),
        (
            "delete",
            "networking.k8s.io",
            "networkpolicies",
            Some("some-workloads"),
        ),
        ("list", "discovery.k8s.io", "endpointslices", None),
        ("list", "", "nodes", None),
        // Namespaces' Pod Security level shapes Performer pods.
        ("watch", "", "namespaces", None),
        ("watch", "node.k8s.io", "runtimeclasses", None),
        // A DRA Performer's GPU claim template.
        (
            "create",
            "resource.k8s.io",
            "resourceclaimtemplates",
            Some("some-workloads"),
        ),
        ("create", "coordination.k8s.io", "leases", Some(ns.as_str())),
    ];
    let denied: &[(&str, &str, &str, Option<&str>)] = &[
        ("delete", "", "nodes", None),
        ("update", "", "nodes", None),
        ("create", "rbac.authorization.k8s.io", "clusterroles", None),
        (
            "create",
            "rbac.authorization.k8s.io",
            "clusterrolebindings",
            None,
        ),
        (
            "escalate",
            "rbac.authorization.k8s.io",
            "roles",
            Some("some-workloads"),
        ),
        ("bind", "rbac.authorization.k8s.io", "clusterroles", None),
        ("update", "", "secrets", Some("kube-system")),
        ("list", "", "secrets", None),
        // Claims are the scheduler's and the claim controller's to write.
        (
            "update",
            "resource.k8s.io",
            "resourceclaims/status",
            Some("some-workloads"),
        ),
        ("watch", "", "secrets", Some("kube-system")),
        ("create", "", "pods/exec", Some("some-workloads")),
        ("delete", "", "namespaces", None),
        ("patch", "", "namespaces", None),
        (
            "create",
            "apiextensions.k8s.io",
            "customresourcedefinitions",
            None,
        ),
        (
            "create",
            "coordination.k8s.io",
            "leases",
            Some("kube-system"),
        ),
        ("create", "", "events", Some("some-workloads")),
        ("list", "networking.k8s.io", "networkpolicies", None),
        ("impersonate", "", "users", None),
    ];
    // Wait until the new binding is effective, then check every right once.
    wait_for(
        "the operator's ClusterRoleBinding to be effective",
        Duration::from_secs(30),
        || {
            let client = client.clone();
            let sa = sa.clone();
            let groups = groups.clone();
            async move {
                can_user(&client, &sa, &groups, "list", "", "nodes", None)
                    .await
                    .then_some(())
            }
        },
    )
    .await;
    let mut wrong = Vec::new();
    for (verb, group, resource, namespace) in allowed {
        if !can_user(&client, &sa, &groups, verb, group, resource, *namespace).await {
            wrong.push(format!(
                "cannot {verb} {group}/{resource} in {namespace:?} but should"
            ));
        }
    }
    for (verb, group, resource, namespace) in denied {
        if can_user(&client, &sa, &groups, verb, group, resource, *namespace).await {
            wrong.push(format!(
                "can {verb} {group}/{resource} in {namespace:?} but should not"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn uninstall_refuses_while_performers_exist_and_deletes_nothing() {
    let client = client().await;
    let ns = unique("hg-uninst");
    let data_ns = unique("hg-data");
    let mut cleanup = Installed::new(&ns);
    cleanup.extra.push(("namespace".into(), data_ns.clone()));
    assert_ok(&hgctl(&["install", "-n", &ns]), "install");

    let performer = serde_json::json!({
    "apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": data_ns}},
        {"apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
         "metadata": {"name": "keep-me", "namespace": data_ns},
         "spec": {"avsAddress": "0x1234567890abcdef1234567890abcdef12345678", "image": "example.com/avs:1"}}
    ]});
    let made = kubectl(&["apply", "-f", "-"], Some(&performer.to_string()));
    assert!(made.status.success(), "{}", stderr(&made));
    wait_available(&client, &ns).await;
    let before = resource_versions(&client, &ns).await;

    let refused = hgctl(&["uninstall", "-n", &ns]);
    assert_eq!(
        refused.status.code(),
        Some(6),
        "refused (exit 6): {}",
        stderr(&refused)
    );
    assert!(
        says(&refused, "Performer") && says(&refused, "deleting the CRDs would delete them all"),
        "{}",
        stderr(&refused)
    );
    assert!(says(&refused, "--keep-crds") && says(&refused, "--delete-data"));
    assert!(
        stdout(&refused).is_empty(),
        "deleted nothing: {}",
        stdout(&refused)
    );

    // --delete-data without a terminal and without --yes names --yes and deletes nothing.
    let unconfirmed = hgctl(&["uninstall", "-n", &ns, "--delete-data"]);
    assert_eq!(
        unconfirmed.status.code(),
        Some(6),
        "{}",
        stderr(&unconfirmed)
    );
    assert!(says(&unconfirmed, "--yes"), "{}", stderr(&unconfirmed));
    assert!(stdout(&unconfirmed).is_empty());
    assert_eq!(
        resource_versions(&client, &ns).await,
        before,
        "nothing was deleted or changed"
    );

    // --keep-crds removes the operator and its RBAC and leaves the CRDs and the data.
    let removed = hgctl(&[
        "uninstall",
        "-n",
        &ns,
        "--keep-crds",
        "--wait",
        "--timeout",
        "120s",
    ]);
    assert_ok(&removed, "uninstall --keep-crds");
    assert_eq!(stdout(&removed).lines().count(), 7, "{}", stdout(&removed));
    let cluster = manifests::cluster_name(&ns);
    assert!(!exists(&Api::<Namespace>::all(client.clone()), &ns).await);
    assert!(!exists(&Api::<ClusterRole>::all(client.clone()), &cluster).await);
    assert!(!exists(&Api::<ClusterRoleBinding>::all(client.clone()), &cluster).await);
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    for crd in CRDS {
        assert!(exists(&crds, crd).await, "{crd} kept");
    }
    let performers: Api<hgctl::api::Performer> = Api::namespaced(client.clone(), &data_ns);
    assert!(
        exists(&performers, "keep-me").await,
        "the Performer is kept"
    );

    // A second uninstall tolerates what is already gone.
    let again = hgctl(&["uninstall", "-n", &ns, "--keep-crds"]);
    assert_ok(&again, "second uninstall");
    assert!(
        stdout(&again).lines().all(|l| l.ends_with(" not found")),
        "{}",
        stdout(&again)
    );
}

#[tokio::test]
async fn uninstall_keep_crds_refuses_when_the_operator_namespace_holds_performers() {
    let client = client().await;
    let ns = unique("hg-nsdata");
    let _cleanup = Installed::new(&ns);
    assert_ok(&hgctl(&["install", "-n", &ns]), "install");
    let performer = serde_json::json!({
        "apiVersion": "hourglass.eigenlayer.io/v1alpha1", "kind": "Performer",
        "metadata": {"name": "inside", "namespace": ns},
        "spec": {"avsAddress": "0x1234567890abcdef1234567890abcdef12345678", "image": "example.com/avs:1"}});
    let made = kubectl(&["apply", "-f", "-"], Some(&performer.to_string()));
    assert!(made.status.success(), "{}", stderr(&made));
    wait_available(&client, &ns).await;
    let before = resource_versions(&client, &ns).await;
    let refused = hgctl(&["uninstall", "-n", &ns, "--keep-crds"]);
    assert_eq!(refused.status.code(), Some(6), "{}", stderr(&refused));
    assert!(
        says(&refused, &format!("{ns}/inside"))
            && says(&refused, &format!("deleting namespace {ns}")),
        "{}",
        stderr(&refused)
    );
    assert_unchanged(&client, &ns, &before).await;
}

/// `hgctl operator` run locally against the test cluster, reconciling only its own namespace
/// and holding the lease there (so it competes with no other test's controller).
#[tokio::test]
async fn operator_serves_health_and_metrics_and_stops_on_sigterm() {
    let ns = unique("hg-op");
    let _cleanup = Installed::new(&ns);
    let free_port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let (health, metrics) = (free_port(), free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_hgctl"))
        .arg("--kubeconfig")
        .arg(kubeconfig())
        .args(["operator", "-n", &ns, "--lease-namespace", &ns])
        .args(["--health-addr", &format!("127.0.0.1:{health}")])
        .args(["--metrics-addr", &format!("127.0.0.1:{metrics}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read its log as it comes: a full pipe would block the operator's writes (and its exit).
    let log = {
        let mut stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut text = String::new();
            use std::io::Read;
            let _ = stderr.read_to_string(&mut text);
            text
        })
    };
    let get = |port: u16, path: &'static str| async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .ok()?;
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).await.ok()?;
        Some(out)
    };
    // Ready once it holds the lease and its caches are synced.
    wait_for(
        "/readyz to answer 200",
        Duration::from_secs(60),
        || async move {
            get(health, "/readyz")
                .await
                .filter(|r| r.starts_with("HTTP/1.1 200"))
        },
    )
    .await;
    let live = get(health, "/healthz").await.unwrap();
    assert!(live.starts_with("HTTP/1.1 200"), "{live}");
    let scrape = get(metrics, "/metrics").await.unwrap();
    assert!(
        scrape.starts_with("HTTP/1.1 200")
            && scrape.contains("# TYPE hgctl_reconciles_total counter"),
        "{scrape}"
    );

    // SAFETY: sending SIGTERM to the child we spawned.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let err = log.join().unwrap_or_default();
            panic!("hgctl operator did not stop within 30s of SIGTERM; its log:\n{err}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let err = log.join().unwrap_or_default();
    assert!(status.success(), "clean exit on SIGTERM: {status:?}\n{err}");
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", health))
            .await
            .is_err(),
        "the health listener is closed after shutdown"
    );
}
