# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hgctl_global_optspecs
    string join \n kubeconfig= context= n/namespace= o/output= log-level= h/help V/version
end

function __fish_hgctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hgctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hgctl_using_subcommand
    set -l cmd (__fish_hgctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hgctl -n "__fish_hgctl_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_needs_command" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_needs_command" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_needs_command" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_needs_command" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_needs_command" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_needs_command" -s V -l version -d 'Print version'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "install" -d 'Install the CRDs, RBAC and the in-cluster operator'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "uninstall" -d 'Remove what `hgctl install` created (refuses to delete data unless asked)'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "performer" -d 'Create, inspect and delete Performers'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "executor" -d 'Create, inspect and delete HourglassExecutors'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "get" -d 'List Performers or HourglassExecutors like `kubectl get`'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "status" -d 'One screen for the whole fleet: executors, performers by phase, a summary'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "run-local" -d 'Run the reconcilers on this machine against the current kubeconfig context'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "operator" -d 'Run the reconcilers in-cluster (the entry point of the operator Deployment)'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "doctor" -d 'Check the cluster, the installation, the hardware and the workloads'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "crds" -d 'Print both CRDs as a multi-document YAML stream'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "manpage" -d 'Print the man page (roff) of hgctl'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "version" -d 'Print the version of hgctl (and of the cluster with --server)'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "apply" -d 'Apply a folder of specs as one set (server-side apply; --prune removes what left it)'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "diff" -d 'Show what `apply` would change, as a unified diff (exit 1 when something differs)'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "wait" -d 'Wait until a Performer or HourglassExecutor is ready'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "support-bundle" -d 'Collect versions, objects, events, logs and doctor\'s report into a .tar.gz (no secrets)'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "probe" -d 'Resolve and call gRPC endpoints, one JSON line each (what the pod of `doctor --probe` runs)'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "tls-proxy" -d 'Terminate TLS and forward to a local port (the sidecar of a Performer with tls.terminate)'
complete -c hgctl -n "__fish_hgctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -l image -d 'Operator image (default: a versioned image derived from this hgctl)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -l node-selector -d 'Node selector of the operator pod (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -l toleration -d 'Toleration of the operator pod (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -l timeout -d 'How long --wait waits' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -l crds-only -d 'Install only the two CRDs'
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -l monitoring -d 'Also a metrics Service for the operator, and a ServiceMonitor and PrometheusRule (hgctl\'s alerts) when the cluster serves the Prometheus Operator\'s CRDs'
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -l dry-run -d 'Print every manifest as one YAML stream and change nothing (with --monitoring: the ServiceMonitor and PrometheusRule too)'
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -l wait -d 'Wait until the CRDs are Established and the operator is Available'
complete -c hgctl -n "__fish_hgctl_using_subcommand install" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand uninstall" -l timeout -d 'How long --wait waits' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand uninstall" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand uninstall" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand uninstall" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand uninstall" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand uninstall" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand uninstall" -l delete-data -d 'Also delete the CRDs when Performers or HourglassExecutors exist (deletes them all)'
complete -c hgctl -n "__fish_hgctl_using_subcommand uninstall" -s y -l yes -d 'Do not ask for confirmation'
complete -c hgctl -n "__fish_hgctl_using_subcommand uninstall" -l keep-crds -d 'Leave the CRDs (and so every Performer and HourglassExecutor) in place'
complete -c hgctl -n "__fish_hgctl_using_subcommand uninstall" -l wait -d 'Wait until everything is gone'
complete -c hgctl -n "__fish_hgctl_using_subcommand uninstall" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and not __fish_seen_subcommand_from create get describe delete prune help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and not __fish_seen_subcommand_from create get describe delete prune help" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and not __fish_seen_subcommand_from create get describe delete prune help" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and not __fish_seen_subcommand_from create get describe delete prune help" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and not __fish_seen_subcommand_from create get describe delete prune help" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and not __fish_seen_subcommand_from create get describe delete prune help" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and not __fish_seen_subcommand_from create get describe delete prune help" -f -a "create" -d 'Scaffold a Performer from flags or a file; print it or apply it'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and not __fish_seen_subcommand_from create get describe delete prune help" -f -a "get" -d 'List Performers'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and not __fish_seen_subcommand_from create get describe delete prune help" -f -a "describe" -d 'Show a Performer, its pod, Service, events and what doctor says'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and not __fish_seen_subcommand_from create get describe delete prune help" -f -a "delete" -d 'Delete a Performer (its pod and Service go with it)'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and not __fish_seen_subcommand_from create get describe delete prune help" -f -a "prune" -d 'Delete Performers an earlier run of their executor left behind'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and not __fish_seen_subcommand_from create get describe delete prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -s f -l filename -d 'Read the Performer from a YAML file (`-` for stdin) instead of flags' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l image -d 'Container image' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l avs -d 'AVS address (0x + 40 hex digits)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l version -d 'Informational version; a change rolls the pod' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l grpc-port -d 'gRPC port of the performer (default 9090)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l env -d 'Environment variable (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l env-from-secret -d 'Environment variable from a Secret key (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l gpu -d 'GPU model (a100, h100, l4 ...), optionally a MIG slice (a100:mig-1g.10gb) and :COUNT' -r -f -a "a100\t''
a100-80gb\t''
h100\t''
h200\t''
h20\t''
gh200\t''
b200\t''
gb200\t''
rtx-pro-6000\t''
rtx-6000-ada\t''
l40\t''
a40\t''
a30\t''
a10\t''
l4\t''
l40s\t''
t4\t''
a10g\t''
v100\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l mig-strategy -d 'How the cluster advertises MIG slices (default single; GKE is single)' -r -f -a "single\t''
mixed\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l gpu-allocation -d 'How the GPUs are allocated: the device plugin\'s nvidia.com/gpu (default) or DRA (a ResourceClaimTemplate for the NVIDIA DRA driver)' -r -f -a "device-plugin\t''
dra\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l device-class -d 'DeviceClass of a DRA GPU request (default gpu.nvidia.com)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l gpu-count -d 'Number of GPUs (default 1)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l tee -d 'Trusted Execution Environment (sgx, tdx, sev-snp, sev)' -r -f -a "sgx\t''
tdx\t''
sev-snp\t''
sev\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l tee-mode -d 'How the TEE is reached: a Kata runtime class, or a node that is a confidential VM' -r -f -a "runtime-class\t''
node\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l sgx-quote-provider -d 'SGX through Intel\'s webhook: annotate the pod with this quote provider (e.g. aesmd)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l runtime-class -d 'RuntimeClass for the pod' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l node-selector -d 'Node label the pod requires (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l toleration -d 'Toleration (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l cpu -d 'CPU request and limit' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l memory -d 'Memory request and limit' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l requests -d 'Requests, e.g. cpu=500m,memory=1Gi' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l limits -d 'Limits, e.g. cpu=2,memory=4Gi' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l priority-class -d 'PriorityClass for the pod' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l service-account -d 'ServiceAccount the pod runs as' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l label -d 'Label on the Performer (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l timeout -d 'How long --wait waits' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l gpu-shared -d 'A time-sliced (shared) GPU is acceptable: nvidia.com/gpu.shared'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l check -d 'Check which nodes could run it and why the others cannot'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l dry-run -d 'Print the objects and change nothing'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -s y -l yes -d 'Never prompt; fail naming the missing flags instead'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -l wait -d 'Wait until the object is ready'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from get" -s l -l selector -d 'Label selector, e.g. app=x,tier!=y' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from get" -l context-timeout -d 'With several contexts: how long one cluster may take before its row says so' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from get" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from get" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from get" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from get" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from get" -s A -l all-namespaces -d 'List across all namespaces'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from get" -s w -l watch -d 'Keep streaming changes'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from get" -l all-contexts -d 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from describe" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from describe" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from describe" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from describe" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from describe" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from describe" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from delete" -l timeout -d 'How long --wait waits' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from delete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from delete" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from delete" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from delete" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from delete" -l wait -d 'Wait until it and its children are gone'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from prune" -l grace -d 'How long the newest Performer must have been ready before the older ones go' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from prune" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from prune" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from prune" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from prune" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from prune" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from prune" -l orphans -d 'Delete executor-written Performers that are not the newest of their executor and AVS'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from prune" -l dry-run -d 'Print what would be deleted and change nothing'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from prune" -s y -l yes -d 'Delete without asking'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from help" -f -a "create" -d 'Scaffold a Performer from flags or a file; print it or apply it'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from help" -f -a "get" -d 'List Performers'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from help" -f -a "describe" -d 'Show a Performer, its pod, Service, events and what doctor says'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a Performer (its pod and Service go with it)'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Delete Performers an earlier run of their executor left behind'
complete -c hgctl -n "__fish_hgctl_using_subcommand performer; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and not __fish_seen_subcommand_from create get describe delete help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and not __fish_seen_subcommand_from create get describe delete help" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and not __fish_seen_subcommand_from create get describe delete help" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and not __fish_seen_subcommand_from create get describe delete help" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and not __fish_seen_subcommand_from create get describe delete help" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and not __fish_seen_subcommand_from create get describe delete help" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and not __fish_seen_subcommand_from create get describe delete help" -f -a "create" -d 'Scaffold an HourglassExecutor and its key Secret; print them or apply them'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and not __fish_seen_subcommand_from create get describe delete help" -f -a "get" -d 'List HourglassExecutors'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and not __fish_seen_subcommand_from create get describe delete help" -f -a "describe" -d 'Show an executor, its workload, config and events'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and not __fish_seen_subcommand_from create get describe delete help" -f -a "delete" -d 'Delete an HourglassExecutor'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and not __fish_seen_subcommand_from create get describe delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -s f -l filename -d 'Read the executor from a YAML file (`-` for stdin) instead of flags' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l image -d 'Executor image' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l operator-address -d 'Operator address (0x + 40 hex digits)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l replicas -d 'Replicas (one per operator identity is recommended)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l executor-log-level -d 'Executor log level (debug, info, warn, error); `--log-level` is hgctl\'s own' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l chain -d 'Chain (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l l1-chain -d 'Which chain is the L1 (default: the one with a known L1 chain id)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l aggregator -d 'Aggregator endpoint (seed field; not read by the executor)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l avs -d 'AVS performer the executor runs (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l storage -d 'State storage' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l grpc-port -d 'Task gRPC port (default 9000)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l management-port -d 'Management gRPC port (default 9001)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l operator-key-file -d 'File with the hex transaction private key' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l ecdsa-key-file -d 'File with the hex ECDSA signing key' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l bls-keystore -d 'EIP-2335 BLS keystore JSON' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l bls-password-file -d 'File with the BLS keystore password' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l keys-secret -d 'Use an existing Secret with the keys instead of key files' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l command -d 'Container command for a custom image, one item per flag (default: executor)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l arg -d 'Container args for a custom image, one item per flag (default: run --config FILE)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l task-mailbox-contract -d 'TaskMailbox contract JSON (address and ABI) for an L1 the executor has none for' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l task-mailbox-chain-ids -d 'Chain ids the TaskMailbox contract applies to (default: the L1 chain\'s)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l contracts-file -d 'Contract table JSON replacing the executor\'s built-in one' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l remote-signer-url -d 'URL of a remote signer (Web3Signer, KMS proxy) holding the keys below' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l remote-signer-tls-secret -d 'Secret with the remote signer\'s TLS material (ca.crt, tls.crt, tls.key)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l remote-operator-key -d 'The transaction key is the remote signer\'s' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l remote-signing-key -d 'The ECDSA signing key is the remote signer\'s' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l service-type -d 'Type of the executor\'s Service (the aggregator dials its task port)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l service-annotation -d 'Annotation of the executor\'s Service (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l external-traffic-policy -d 'externalTrafficPolicy of a NodePort or LoadBalancer Service' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l timeout -d 'How long --wait waits' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l network-policy -d 'Let only this executor\'s pods reach the performers\' gRPC port (a NetworkPolicy NAME-performers; every other ingress to performer pods is then denied)'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l dry-run -d 'Print the objects and change nothing'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -s y -l yes -d 'Never prompt; fail naming the missing flags instead'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -l wait -d 'Wait until the object is ready'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from get" -s l -l selector -d 'Label selector, e.g. app=x,tier!=y' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from get" -l context-timeout -d 'With several contexts: how long one cluster may take before its row says so' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from get" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from get" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from get" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from get" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from get" -s A -l all-namespaces -d 'List across all namespaces'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from get" -s w -l watch -d 'Keep streaming changes'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from get" -l all-contexts -d 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from describe" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from describe" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from describe" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from describe" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from describe" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from describe" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from delete" -l timeout -d 'How long --wait waits' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from delete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from delete" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from delete" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from delete" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from delete" -l wait -d 'Wait until it and its children are gone'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from help" -f -a "create" -d 'Scaffold an HourglassExecutor and its key Secret; print them or apply them'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from help" -f -a "get" -d 'List HourglassExecutors'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from help" -f -a "describe" -d 'Show an executor, its workload, config and events'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an HourglassExecutor'
complete -c hgctl -n "__fish_hgctl_using_subcommand executor; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hgctl -n "__fish_hgctl_using_subcommand get" -s l -l selector -d 'Label selector, e.g. app=x,tier!=y' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand get" -l context-timeout -d 'With several contexts: how long one cluster may take before its row says so' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand get" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand get" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand get" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand get" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand get" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand get" -s A -l all-namespaces -d 'List across all namespaces'
complete -c hgctl -n "__fish_hgctl_using_subcommand get" -s w -l watch -d 'Keep streaming changes'
complete -c hgctl -n "__fish_hgctl_using_subcommand get" -l all-contexts -d 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently'
complete -c hgctl -n "__fish_hgctl_using_subcommand get" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand status" -l context-timeout -d 'With several contexts: how long one cluster may take before its row says so' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand status" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand status" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand status" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand status" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand status" -s A -l all-namespaces -d 'Across all namespaces'
complete -c hgctl -n "__fish_hgctl_using_subcommand status" -l all-contexts -d 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently'
complete -c hgctl -n "__fish_hgctl_using_subcommand status" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -l metrics-addr -d 'Serve Prometheus /metrics here (operator default 127.0.0.1:9464; run-local only when given)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -l health-addr -d 'Serve /healthz and /readyz here (operator default 127.0.0.1:8081; run-local only when given)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -l log-format -d 'Log line format' -r -f -a "text\t''
json\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -l cluster-domain -d 'Cluster DNS domain used in gRPC endpoints' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -l lease-namespace -d 'Namespace of the leader-election Lease shared with the in-cluster operator' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -l concurrency -d 'Reconciles in flight at once, per controller (each holds one API server connection)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -l rollout-budget -d 'Blue-green rollouts at once per namespace; the others wait their turn, serving (0: no limit)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -s A -l all-namespaces -d 'Reconcile in every namespace (default: only --namespace)'
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -l take-over -d 'Wait for the current lease holder to give up instead of refusing to start'
complete -c hgctl -n "__fish_hgctl_using_subcommand run-local" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -l metrics-addr -d 'Serve Prometheus /metrics here (operator default 127.0.0.1:9464; run-local only when given)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -l health-addr -d 'Serve /healthz and /readyz here (operator default 127.0.0.1:8081; run-local only when given)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -l log-format -d 'Log line format' -r -f -a "text\t''
json\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -l cluster-domain -d 'Cluster DNS domain used in gRPC endpoints' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -l lease-namespace -d 'Namespace of the leader-election Lease shared with the in-cluster operator' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -l concurrency -d 'Reconciles in flight at once, per controller (each holds one API server connection)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -l rollout-budget -d 'Blue-green rollouts at once per namespace; the others wait their turn, serving (0: no limit)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -s A -l all-namespaces -d 'Reconcile in every namespace (default: only --namespace)'
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -l take-over -d 'Wait for the current lease holder to give up instead of refusing to start'
complete -c hgctl -n "__fish_hgctl_using_subcommand operator" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l fail-on -d 'Exit non-zero on warnings too' -r -f -a "error\t''
warning\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l skip -d 'Skip a check by its ID (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l wait -d 'Re-run until nothing fails or this time is up (the exit code is the last run\'s)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l probe-image -d 'Image of the probe pod, an hgctl image (default: the installed operator\'s image)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l probe-node-selector -d 'Node selector of the probe pod, e.g. where the executors run (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l probe-toleration -d 'Toleration of the probe pod (repeatable)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l context-timeout -d 'With several contexts: how long one cluster may take before its row says so' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l pre -d 'Check a cluster before install: reachability, version, rights to install'
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -s A -l all-namespaces -d 'Check workloads in every namespace'
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l probe -d 'Also call each Performer from a short-lived pod in its namespace: its Service name resolves, TCP connects, gRPC health answers (plaintext and TLS), with latencies'
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -l all-contexts -d 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently'
complete -c hgctl -n "__fish_hgctl_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand crds" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand crds" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand crds" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand crds" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand crds" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand crds" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand completions" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand completions" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand completions" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand completions" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand completions" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand manpage" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand manpage" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand manpage" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand manpage" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand manpage" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand manpage" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand version" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand version" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand version" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand version" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand version" -l server -d 'Also ask the cluster for its version'
complete -c hgctl -n "__fish_hgctl_using_subcommand version" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand apply" -s f -l filename -d 'File or folder (folders recurse; `-` for stdin); repeatable' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand apply" -l applyset -d 'Name of the ApplySet parent Secret (the same as `kubectl apply --applyset=NAME`)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand apply" -l dry-run -d 'Change nothing: `client` validates and says what would happen, `server` asks the API server' -r -f -a "none\t''
client\t''
server\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand apply" -l timeout -d 'How long --wait waits' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand apply" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand apply" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand apply" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand apply" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand apply" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand apply" -l prune -d 'Delete the set\'s objects that the input no longer has'
complete -c hgctl -n "__fish_hgctl_using_subcommand apply" -l wait -d 'Wait until every applied Performer and executor is ready'
complete -c hgctl -n "__fish_hgctl_using_subcommand apply" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand diff" -s f -l filename -d 'File or folder (folders recurse; `-` for stdin); repeatable' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand diff" -l applyset -d 'Name of the ApplySet parent Secret' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand diff" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand diff" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand diff" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand diff" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand diff" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand diff" -l prune -d 'Also show the set\'s objects that the input no longer has, as removed'
complete -c hgctl -n "__fish_hgctl_using_subcommand diff" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand wait" -l for -d 'The condition to wait for' -r -f -a "ready\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand wait" -l timeout -d 'How long to wait' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand wait" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand wait" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand wait" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand wait" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand wait" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand wait" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand support-bundle" -l file -d 'Where to write the archive (default hgctl-support-<time>.tar.gz)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand support-bundle" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand support-bundle" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand support-bundle" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand support-bundle" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand support-bundle" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand support-bundle" -s A -l all-namespaces -d 'Across all namespaces'
complete -c hgctl -n "__fish_hgctl_using_subcommand support-bundle" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand probe" -l timeout -d 'Deadline of each step (resolve, connect, each call)' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand probe" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand probe" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand probe" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand probe" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand probe" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand probe" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand tls-proxy" -l listen -d 'Address to accept TLS on' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand tls-proxy" -l upstream -d 'The performer\'s plaintext address' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand tls-proxy" -l cert -d 'PEM certificate (chain)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand tls-proxy" -l key -d 'PEM private key' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand tls-proxy" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c hgctl -n "__fish_hgctl_using_subcommand tls-proxy" -l context -d 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand tls-proxy" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c hgctl -n "__fish_hgctl_using_subcommand tls-proxy" -s o -l output -d 'Output format (commands accept the subset that makes sense for them)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
short\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand tls-proxy" -l log-level -d 'Log verbosity on stderr' -r -f -a "error\t''
warn\t''
info\t''
debug\t''
trace\t''"
complete -c hgctl -n "__fish_hgctl_using_subcommand tls-proxy" -s h -l help -d 'Print help'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "install" -d 'Install the CRDs, RBAC and the in-cluster operator'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "uninstall" -d 'Remove what `hgctl install` created (refuses to delete data unless asked)'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "performer" -d 'Create, inspect and delete Performers'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "executor" -d 'Create, inspect and delete HourglassExecutors'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "get" -d 'List Performers or HourglassExecutors like `kubectl get`'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "status" -d 'One screen for the whole fleet: executors, performers by phase, a summary'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "run-local" -d 'Run the reconcilers on this machine against the current kubeconfig context'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "operator" -d 'Run the reconcilers in-cluster (the entry point of the operator Deployment)'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "doctor" -d 'Check the cluster, the installation, the hardware and the workloads'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "crds" -d 'Print both CRDs as a multi-document YAML stream'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "completions" -d 'Print a shell completion script'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "manpage" -d 'Print the man page (roff) of hgctl'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "version" -d 'Print the version of hgctl (and of the cluster with --server)'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "apply" -d 'Apply a folder of specs as one set (server-side apply; --prune removes what left it)'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "diff" -d 'Show what `apply` would change, as a unified diff (exit 1 when something differs)'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "wait" -d 'Wait until a Performer or HourglassExecutor is ready'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "support-bundle" -d 'Collect versions, objects, events, logs and doctor\'s report into a .tar.gz (no secrets)'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "probe" -d 'Resolve and call gRPC endpoints, one JSON line each (what the pod of `doctor --probe` runs)'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "tls-proxy" -d 'Terminate TLS and forward to a local port (the sidecar of a Performer with tls.terminate)'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and not __fish_seen_subcommand_from install uninstall performer executor get status run-local operator doctor crds completions manpage version apply diff wait support-bundle probe tls-proxy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and __fish_seen_subcommand_from performer" -f -a "create" -d 'Scaffold a Performer from flags or a file; print it or apply it'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and __fish_seen_subcommand_from performer" -f -a "get" -d 'List Performers'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and __fish_seen_subcommand_from performer" -f -a "describe" -d 'Show a Performer, its pod, Service, events and what doctor says'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and __fish_seen_subcommand_from performer" -f -a "delete" -d 'Delete a Performer (its pod and Service go with it)'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and __fish_seen_subcommand_from performer" -f -a "prune" -d 'Delete Performers an earlier run of their executor left behind'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and __fish_seen_subcommand_from executor" -f -a "create" -d 'Scaffold an HourglassExecutor and its key Secret; print them or apply them'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and __fish_seen_subcommand_from executor" -f -a "get" -d 'List HourglassExecutors'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and __fish_seen_subcommand_from executor" -f -a "describe" -d 'Show an executor, its workload, config and events'
complete -c hgctl -n "__fish_hgctl_using_subcommand help; and __fish_seen_subcommand_from executor" -f -a "delete" -d 'Delete an HourglassExecutor'
