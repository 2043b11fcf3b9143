
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hgctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hgctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hgctl' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the CRDs, RBAC and the in-cluster operator')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove what `hgctl install` created (refuses to delete data unless asked)')
            [CompletionResult]::new('performer', 'performer', [CompletionResultType]::ParameterValue, 'Create, inspect and delete Performers')
            [CompletionResult]::new('executor', 'executor', [CompletionResultType]::ParameterValue, 'Create, inspect and delete HourglassExecutors')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'List Performers or HourglassExecutors like `kubectl get`')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'One screen for the whole fleet: executors, performers by phase, a summary')
            [CompletionResult]::new('run-local', 'run-local', [CompletionResultType]::ParameterValue, 'Run the reconcilers on this machine against the current kubeconfig context')
            [CompletionResult]::new('operator', 'operator', [CompletionResultType]::ParameterValue, 'Run the reconcilers in-cluster (the entry point of the operator Deployment)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the cluster, the installation, the hardware and the workloads')
            [CompletionResult]::new('crds', 'crds', [CompletionResultType]::ParameterValue, 'Print both CRDs as a multi-document YAML stream')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('manpage', 'manpage', [CompletionResultType]::ParameterValue, 'Print the man page (roff) of hgctl')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version of hgctl (and of the cluster with --server)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply a folder of specs as one set (server-side apply; --prune removes what left it)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what `apply` would change, as a unified diff (exit 1 when something differs)')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until a Performer or HourglassExecutor is ready')
            [CompletionResult]::new('support-bundle', 'support-bundle', [CompletionResultType]::ParameterValue, 'Collect versions, objects, events, logs and doctor''s report into a .tar.gz (no secrets)')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Resolve and call gRPC endpoints, one JSON line each (what the pod of `doctor --probe` runs)')
            [CompletionResult]::new('tls-proxy', 'tls-proxy', [CompletionResultType]::ParameterValue, 'Terminate TLS and forward to a local port (the sidecar of a Performer with tls.terminate)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hgctl;install' {
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Operator image (default: a versioned image derived from this hgctl)')
            [CompletionResult]::new('--node-selector', '--node-selector', [CompletionResultType]::ParameterName, 'Node selector of the operator pod (repeatable)')
            [CompletionResult]::new('--toleration', '--toleration', [CompletionResultType]::ParameterName, 'Toleration of the operator pod (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('--crds-only', '--crds-only', [CompletionResultType]::ParameterName, 'Install only the two CRDs')
            [CompletionResult]::new('--monitoring', '--monitoring', [CompletionResultType]::ParameterName, 'Also a metrics Service for the operator, and a ServiceMonitor and PrometheusRule (hgctl''s alerts) when the cluster serves the Prometheus Operator''s CRDs')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print every manifest as one YAML stream and change nothing (with --monitoring: the ServiceMonitor and PrometheusRule too)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the CRDs are Established and the operator is Available')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;uninstall' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('--delete-data', '--delete-data', [CompletionResultType]::ParameterName, 'Also delete the CRDs when Performers or HourglassExecutors exist (deletes them all)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--keep-crds', '--keep-crds', [CompletionResultType]::ParameterName, 'Leave the CRDs (and so every Performer and HourglassExecutor) in place')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until everything is gone')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;performer' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Scaffold a Performer from flags or a file; print it or apply it')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'List Performers')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show a Performer, its pod, Service, events and what doctor says')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a Performer (its pod and Service go with it)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete Performers an earlier run of their executor left behind')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hgctl;performer;create' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read the Performer from a YAML file (`-` for stdin) instead of flags')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read the Performer from a YAML file (`-` for stdin) instead of flags')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Container image')
            [CompletionResult]::new('--avs', '--avs', [CompletionResultType]::ParameterName, 'AVS address (0x + 40 hex digits)')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Informational version; a change rolls the pod')
            [CompletionResult]::new('--grpc-port', '--grpc-port', [CompletionResultType]::ParameterName, 'gRPC port of the performer (default 9090)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment variable (repeatable)')
            [CompletionResult]::new('--env-from-secret', '--env-from-secret', [CompletionResultType]::ParameterName, 'Environment variable from a Secret key (repeatable)')
            [CompletionResult]::new('--gpu', '--gpu', [CompletionResultType]::ParameterName, 'GPU model (a100, h100, l4 ...), optionally a MIG slice (a100:mig-1g.10gb) and :COUNT')
            [CompletionResult]::new('--mig-strategy', '--mig-strategy', [CompletionResultType]::ParameterName, 'How the cluster advertises MIG slices (default single; GKE is single)')
            [CompletionResult]::new('--gpu-allocation', '--gpu-allocation', [CompletionResultType]::ParameterName, 'How the GPUs are allocated: the device plugin''s nvidia.com/gpu (default) or DRA (a ResourceClaimTemplate for the NVIDIA DRA driver)')
            [CompletionResult]::new('--device-class', '--device-class', [CompletionResultType]::ParameterName, 'DeviceClass of a DRA GPU request (default gpu.nvidia.com)')
            [CompletionResult]::new('--gpu-count', '--gpu-count', [CompletionResultType]::ParameterName, 'Number of GPUs (default 1)')
            [CompletionResult]::new('--tee', '--tee', [CompletionResultType]::ParameterName, 'Trusted Execution Environment (sgx, tdx, sev-snp, sev)')
            [CompletionResult]::new('--tee-mode', '--tee-mode', [CompletionResultType]::ParameterName, 'How the TEE is reached: a Kata runtime class, or a node that is a confidential VM')
            [CompletionResult]::new('--sgx-quote-provider', '--sgx-quote-provider', [CompletionResultType]::ParameterName, 'SGX through Intel''s webhook: annotate the pod with this quote provider (e.g. aesmd)')
            [CompletionResult]::new('--runtime-class', '--runtime-class', [CompletionResultType]::ParameterName, 'RuntimeClass for the pod')
            [CompletionResult]::new('--node-selector', '--node-selector', [CompletionResultType]::ParameterName, 'Node label the pod requires (repeatable)')
            [CompletionResult]::new('--toleration', '--toleration', [CompletionResultType]::ParameterName, 'Toleration (repeatable)')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU request and limit')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory request and limit')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'Requests, e.g. cpu=500m,memory=1Gi')
            [CompletionResult]::new('--limits', '--limits', [CompletionResultType]::ParameterName, 'Limits, e.g. cpu=2,memory=4Gi')
            [CompletionResult]::new('--priority-class', '--priority-class', [CompletionResultType]::ParameterName, 'PriorityClass for the pod')
            [CompletionResult]::new('--service-account', '--service-account', [CompletionResultType]::ParameterName, 'ServiceAccount the pod runs as')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label on the Performer (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('--gpu-shared', '--gpu-shared', [CompletionResultType]::ParameterName, 'A time-sliced (shared) GPU is acceptable: nvidia.com/gpu.shared')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Check which nodes could run it and why the others cannot')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the objects and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the missing flags instead')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the missing flags instead')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the object is ready')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;performer;get' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector, e.g. app=x,tier!=y')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector, e.g. app=x,tier!=y')
            [CompletionResult]::new('--context-timeout', '--context-timeout', [CompletionResultType]::ParameterName, 'With several contexts: how long one cluster may take before its row says so')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List across all namespaces')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep streaming changes')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep streaming changes')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;performer;describe' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;performer;delete' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until it and its children are gone')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;performer;prune' {
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'How long the newest Performer must have been ready before the older ones go')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('--orphans', '--orphans', [CompletionResultType]::ParameterName, 'Delete executor-written Performers that are not the newest of their executor and AVS')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be deleted and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Delete without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Delete without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;performer;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Scaffold a Performer from flags or a file; print it or apply it')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'List Performers')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show a Performer, its pod, Service, events and what doctor says')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a Performer (its pod and Service go with it)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete Performers an earlier run of their executor left behind')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hgctl;performer;help;create' {
            break
        }
        'hgctl;performer;help;get' {
            break
        }
        'hgctl;performer;help;describe' {
            break
        }
        'hgctl;performer;help;delete' {
            break
        }
        'hgctl;performer;help;prune' {
            break
        }
        'hgctl;performer;help;help' {
            break
        }
        'hgctl;executor' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Scaffold an HourglassExecutor and its key Secret; print them or apply them')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'List HourglassExecutors')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show an executor, its workload, config and events')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an HourglassExecutor')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hgctl;executor;create' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read the executor from a YAML file (`-` for stdin) instead of flags')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read the executor from a YAML file (`-` for stdin) instead of flags')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Executor image')
            [CompletionResult]::new('--operator-address', '--operator-address', [CompletionResultType]::ParameterName, 'Operator address (0x + 40 hex digits)')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Replicas (one per operator identity is recommended)')
            [CompletionResult]::new('--executor-log-level', '--executor-log-level', [CompletionResultType]::ParameterName, 'Executor log level (debug, info, warn, error); `--log-level` is hgctl''s own')
            [CompletionResult]::new('--chain', '--chain', [CompletionResultType]::ParameterName, 'Chain (repeatable)')
            [CompletionResult]::new('--l1-chain', '--l1-chain', [CompletionResultType]::ParameterName, 'Which chain is the L1 (default: the one with a known L1 chain id)')
            [CompletionResult]::new('--aggregator', '--aggregator', [CompletionResultType]::ParameterName, 'Aggregator endpoint (seed field; not read by the executor)')
            [CompletionResult]::new('--avs', '--avs', [CompletionResultType]::ParameterName, 'AVS performer the executor runs (repeatable)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'State storage')
            [CompletionResult]::new('--grpc-port', '--grpc-port', [CompletionResultType]::ParameterName, 'Task gRPC port (default 9000)')
            [CompletionResult]::new('--management-port', '--management-port', [CompletionResultType]::ParameterName, 'Management gRPC port (default 9001)')
            [CompletionResult]::new('--operator-key-file', '--operator-key-file', [CompletionResultType]::ParameterName, 'File with the hex transaction private key')
            [CompletionResult]::new('--ecdsa-key-file', '--ecdsa-key-file', [CompletionResultType]::ParameterName, 'File with the hex ECDSA signing key')
            [CompletionResult]::new('--bls-keystore', '--bls-keystore', [CompletionResultType]::ParameterName, 'EIP-2335 BLS keystore JSON')
            [CompletionResult]::new('--bls-password-file', '--bls-password-file', [CompletionResultType]::ParameterName, 'File with the BLS keystore password')
            [CompletionResult]::new('--keys-secret', '--keys-secret', [CompletionResultType]::ParameterName, 'Use an existing Secret with the keys instead of key files')
            [CompletionResult]::new('--command', '--command', [CompletionResultType]::ParameterName, 'Container command for a custom image, one item per flag (default: executor)')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'Container args for a custom image, one item per flag (default: run --config FILE)')
            [CompletionResult]::new('--task-mailbox-contract', '--task-mailbox-contract', [CompletionResultType]::ParameterName, 'TaskMailbox contract JSON (address and ABI) for an L1 the executor has none for')
            [CompletionResult]::new('--task-mailbox-chain-ids', '--task-mailbox-chain-ids', [CompletionResultType]::ParameterName, 'Chain ids the TaskMailbox contract applies to (default: the L1 chain''s)')
            [CompletionResult]::new('--contracts-file', '--contracts-file', [CompletionResultType]::ParameterName, 'Contract table JSON replacing the executor''s built-in one')
            [CompletionResult]::new('--remote-signer-url', '--remote-signer-url', [CompletionResultType]::ParameterName, 'URL of a remote signer (Web3Signer, KMS proxy) holding the keys below')
            [CompletionResult]::new('--remote-signer-tls-secret', '--remote-signer-tls-secret', [CompletionResultType]::ParameterName, 'Secret with the remote signer''s TLS material (ca.crt, tls.crt, tls.key)')
            [CompletionResult]::new('--remote-operator-key', '--remote-operator-key', [CompletionResultType]::ParameterName, 'The transaction key is the remote signer''s')
            [CompletionResult]::new('--remote-signing-key', '--remote-signing-key', [CompletionResultType]::ParameterName, 'The ECDSA signing key is the remote signer''s')
            [CompletionResult]::new('--service-type', '--service-type', [CompletionResultType]::ParameterName, 'Type of the executor''s Service (the aggregator dials its task port)')
            [CompletionResult]::new('--service-annotation', '--service-annotation', [CompletionResultType]::ParameterName, 'Annotation of the executor''s Service (repeatable)')
            [CompletionResult]::new('--external-traffic-policy', '--external-traffic-policy', [CompletionResultType]::ParameterName, 'externalTrafficPolicy of a NodePort or LoadBalancer Service')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('--network-policy', '--network-policy', [CompletionResultType]::ParameterName, 'Let only this executor''s pods reach the performers'' gRPC port (a NetworkPolicy NAME-performers; every other ingress to performer pods is then denied)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the objects and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the missing flags instead')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the missing flags instead')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the object is ready')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;executor;get' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector, e.g. app=x,tier!=y')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector, e.g. app=x,tier!=y')
            [CompletionResult]::new('--context-timeout', '--context-timeout', [CompletionResultType]::ParameterName, 'With several contexts: how long one cluster may take before its row says so')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List across all namespaces')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep streaming changes')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep streaming changes')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;executor;describe' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;executor;delete' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until it and its children are gone')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;executor;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Scaffold an HourglassExecutor and its key Secret; print them or apply them')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'List HourglassExecutors')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show an executor, its workload, config and events')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an HourglassExecutor')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hgctl;executor;help;create' {
            break
        }
        'hgctl;executor;help;get' {
            break
        }
        'hgctl;executor;help;describe' {
            break
        }
        'hgctl;executor;help;delete' {
            break
        }
        'hgctl;executor;help;help' {
            break
        }
        'hgctl;get' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector, e.g. app=x,tier!=y')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector, e.g. app=x,tier!=y')
            [CompletionResult]::new('--context-timeout', '--context-timeout', [CompletionResultType]::ParameterName, 'With several contexts: how long one cluster may take before its row says so')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List across all namespaces')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep streaming changes')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep streaming changes')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;status' {
            [CompletionResult]::new('--context-timeout', '--context-timeout', [CompletionResultType]::ParameterName, 'With several contexts: how long one cluster may take before its row says so')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Across all namespaces')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;run-local' {
            [CompletionResult]::new('--metrics-addr', '--metrics-addr', [CompletionResultType]::ParameterName, 'Serve Prometheus /metrics here (operator default 127.0.0.1:9464; run-local only when given)')
            [CompletionResult]::new('--health-addr', '--health-addr', [CompletionResultType]::ParameterName, 'Serve /healthz and /readyz here (operator default 127.0.0.1:8081; run-local only when given)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster DNS domain used in gRPC endpoints')
            [CompletionResult]::new('--lease-namespace', '--lease-namespace', [CompletionResultType]::ParameterName, 'Namespace of the leader-election Lease shared with the in-cluster operator')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Reconciles in flight at once, per controller (each holds one API server connection)')
            [CompletionResult]::new('--rollout-budget', '--rollout-budget', [CompletionResultType]::ParameterName, 'Blue-green rollouts at once per namespace; the others wait their turn, serving (0: no limit)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Reconcile in every namespace (default: only --namespace)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Reconcile in every namespace (default: only --namespace)')
            [CompletionResult]::new('--take-over', '--take-over', [CompletionResultType]::ParameterName, 'Wait for the current lease holder to give up instead of refusing to start')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;operator' {
            [CompletionResult]::new('--metrics-addr', '--metrics-addr', [CompletionResultType]::ParameterName, 'Serve Prometheus /metrics here (operator default 127.0.0.1:9464; run-local only when given)')
            [CompletionResult]::new('--health-addr', '--health-addr', [CompletionResultType]::ParameterName, 'Serve /healthz and /readyz here (operator default 127.0.0.1:8081; run-local only when given)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster DNS domain used in gRPC endpoints')
            [CompletionResult]::new('--lease-namespace', '--lease-namespace', [CompletionResultType]::ParameterName, 'Namespace of the leader-election Lease shared with the in-cluster operator')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Reconciles in flight at once, per controller (each holds one API server connection)')
            [CompletionResult]::new('--rollout-budget', '--rollout-budget', [CompletionResultType]::ParameterName, 'Blue-green rollouts at once per namespace; the others wait their turn, serving (0: no limit)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Reconcile in every namespace (default: only --namespace)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Reconcile in every namespace (default: only --namespace)')
            [CompletionResult]::new('--take-over', '--take-over', [CompletionResultType]::ParameterName, 'Wait for the current lease holder to give up instead of refusing to start')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;doctor' {
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit non-zero on warnings too')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Skip a check by its ID (repeatable)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Re-run until nothing fails or this time is up (the exit code is the last run''s)')
            [CompletionResult]::new('--probe-image', '--probe-image', [CompletionResultType]::ParameterName, 'Image of the probe pod, an hgctl image (default: the installed operator''s image)')
            [CompletionResult]::new('--probe-node-selector', '--probe-node-selector', [CompletionResultType]::ParameterName, 'Node selector of the probe pod, e.g. where the executors run (repeatable)')
            [CompletionResult]::new('--probe-toleration', '--probe-toleration', [CompletionResultType]::ParameterName, 'Toleration of the probe pod (repeatable)')
            [CompletionResult]::new('--context-timeout', '--context-timeout', [CompletionResultType]::ParameterName, 'With several contexts: how long one cluster may take before its row says so')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('--pre', '--pre', [CompletionResultType]::ParameterName, 'Check a cluster before install: reachability, version, rights to install')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Check workloads in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Check workloads in every namespace')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Also call each Performer from a short-lived pod in its namespace: its Service name resolves, TCP connects, gRPC health answers (plaintext and TLS), with latencies')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;crds' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;completions' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;manpage' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;version' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Also ask the cluster for its version')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;apply' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'File or folder (folders recurse; `-` for stdin); repeatable')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'File or folder (folders recurse; `-` for stdin); repeatable')
            [CompletionResult]::new('--applyset', '--applyset', [CompletionResultType]::ParameterName, 'Name of the ApplySet parent Secret (the same as `kubectl apply --applyset=NAME`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Change nothing: `client` validates and says what would happen, `server` asks the API server')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Delete the set''s objects that the input no longer has')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until every applied Performer and executor is ready')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;diff' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'File or folder (folders recurse; `-` for stdin); repeatable')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'File or folder (folders recurse; `-` for stdin); repeatable')
            [CompletionResult]::new('--applyset', '--applyset', [CompletionResultType]::ParameterName, 'Name of the ApplySet parent Secret')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Also show the set''s objects that the input no longer has, as removed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;wait' {
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'The condition to wait for')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;support-bundle' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Where to write the archive (default hgctl-support-<time>.tar.gz)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Across all namespaces')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;probe' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline of each step (resolve, connect, each call)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;tls-proxy' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to accept TLS on')
            [CompletionResult]::new('--upstream', '--upstream', [CompletionResultType]::ParameterName, 'The performer''s plaintext address')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM certificate (chain)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM private key')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (commands accept the subset that makes sense for them)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log verbosity on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hgctl;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the CRDs, RBAC and the in-cluster operator')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove what `hgctl install` created (refuses to delete data unless asked)')
            [CompletionResult]::new('performer', 'performer', [CompletionResultType]::ParameterValue, 'Create, inspect and delete Performers')
            [CompletionResult]::new('executor', 'executor', [CompletionResultType]::ParameterValue, 'Create, inspect and delete HourglassExecutors')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'List Performers or HourglassExecutors like `kubectl get`')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'One screen for the whole fleet: executors, performers by phase, a summary')
            [CompletionResult]::new('run-local', 'run-local', [CompletionResultType]::ParameterValue, 'Run the reconcilers on this machine against the current kubeconfig context')
            [CompletionResult]::new('operator', 'operator', [CompletionResultType]::ParameterValue, 'Run the reconcilers in-cluster (the entry point of the operator Deployment)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the cluster, the installation, the hardware and the workloads')
            [CompletionResult]::new('crds', 'crds', [CompletionResultType]::ParameterValue, 'Print both CRDs as a multi-document YAML stream')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('manpage', 'manpage', [CompletionResultType]::ParameterValue, 'Print the man page (roff) of hgctl')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version of hgctl (and of the cluster with --server)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply a folder of specs as one set (server-side apply; --prune removes what left it)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what `apply` would change, as a unified diff (exit 1 when something differs)')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until a Performer or HourglassExecutor is ready')
            [CompletionResult]::new('support-bundle', 'support-bundle', [CompletionResultType]::ParameterValue, 'Collect versions, objects, events, logs and doctor''s report into a .tar.gz (no secrets)')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Resolve and call gRPC endpoints, one JSON line each (what the pod of `doctor --probe` runs)')
            [CompletionResult]::new('tls-proxy', 'tls-proxy', [CompletionResultType]::ParameterValue, 'Terminate TLS and forward to a local port (the sidecar of a Performer with tls.terminate)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hgctl;help;install' {
            break
        }
        'hgctl;help;uninstall' {
            break
        }
        'hgctl;help;performer' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Scaffold a Performer from flags or a file; print it or apply it')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'List Performers')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show a Performer, its pod, Service, events and what doctor says')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a Performer (its pod and Service go with it)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete Performers an earlier run of their executor left behind')
            break
        }
        'hgctl;help;performer;create' {
            break
        }
        'hgctl;help;performer;get' {
            break
        }
        'hgctl;help;performer;describe' {
            break
        }
        'hgctl;help;performer;delete' {
            break
        }
        'hgctl;help;performer;prune' {
            break
        }
        'hgctl;help;executor' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Scaffold an HourglassExecutor and its key Secret; print them or apply them')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'List HourglassExecutors')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show an executor, its workload, config and events')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an HourglassExecutor')
            break
        }
        'hgctl;help;executor;create' {
            break
        }
        'hgctl;help;executor;get' {
            break
        }
        'hgctl;help;executor;describe' {
            break
        }
        'hgctl;help;executor;delete' {
            break
        }
        'hgctl;help;get' {
            break
        }
        'hgctl;help;status' {
            break
        }
        'hgctl;help;run-local' {
            break
        }
        'hgctl;help;operator' {
            break
        }
        'hgctl;help;doctor' {
            break
        }
        'hgctl;help;crds' {
            break
        }
        'hgctl;help;completions' {
            break
        }
        'hgctl;help;manpage' {
            break
        }
        'hgctl;help;version' {
            break
        }
        'hgctl;help;apply' {
            break
        }
        'hgctl;help;diff' {
            break
        }
        'hgctl;help;wait' {
            break
        }
        'hgctl;help;support-bundle' {
            break
        }
        'hgctl;help;probe' {
            break
        }
        'hgctl;help;tls-proxy' {
            break
        }
        'hgctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
