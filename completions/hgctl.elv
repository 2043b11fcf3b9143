
use builtin;
use str;

set edit:completion:arg-completer[hgctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hgctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hgctl'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand install 'Install the CRDs, RBAC and the in-cluster operator'
            cand uninstall 'Remove what `hgctl install` created (refuses to delete data unless asked)'
            cand performer 'Create, inspect and delete Performers'
            cand executor 'Create, inspect and delete HourglassExecutors'
            cand get 'List Performers or HourglassExecutors like `kubectl get`'
            cand status 'One screen for the whole fleet: executors, performers by phase, a summary'
            cand run-local 'Run the reconcilers on this machine against the current kubeconfig context'
            cand operator 'Run the reconcilers in-cluster (the entry point of the operator Deployment)'
            cand doctor 'Check the cluster, the installation, the hardware and the workloads'
            cand crds 'Print both CRDs as a multi-document YAML stream'
            cand completions 'Print a shell completion script'
            cand manpage 'Print the man page (roff) of hgctl'
            cand version 'Print the version of hgctl (and of the cluster with --server)'
            cand apply 'Apply a folder of specs as one set (server-side apply; --prune removes what left it)'
            cand diff 'Show what `apply` would change, as a unified diff (exit 1 when something differs)'
            cand wait 'Wait until a Performer or HourglassExecutor is ready'
            cand support-bundle 'Collect versions, objects, events, logs and doctor''s report into a .tar.gz (no secrets)'
            cand probe 'Resolve and call gRPC endpoints, one JSON line each (what the pod of `doctor --probe` runs)'
            cand tls-proxy 'Terminate TLS and forward to a local port (the sidecar of a Performer with tls.terminate)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hgctl;install'= {
            cand --image 'Operator image (default: a versioned image derived from this hgctl)'
            cand --node-selector 'Node selector of the operator pod (repeatable)'
            cand --toleration 'Toleration of the operator pod (repeatable)'
            cand --timeout 'How long --wait waits'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand --crds-only 'Install only the two CRDs'
            cand --monitoring 'Also a metrics Service for the operator, and a ServiceMonitor and PrometheusRule (hgctl''s alerts) when the cluster serves the Prometheus Operator''s CRDs'
            cand --dry-run 'Print every manifest as one YAML stream and change nothing (with --monitoring: the ServiceMonitor and PrometheusRule too)'
            cand --wait 'Wait until the CRDs are Established and the operator is Available'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;uninstall'= {
            cand --timeout 'How long --wait waits'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand --delete-data 'Also delete the CRDs when Performers or HourglassExecutors exist (deletes them all)'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --keep-crds 'Leave the CRDs (and so every Performer and HourglassExecutor) in place'
            cand --wait 'Wait until everything is gone'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;performer'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand create 'Scaffold a Performer from flags or a file; print it or apply it'
            cand get 'List Performers'
            cand describe 'Show a Performer, its pod, Service, events and what doctor says'
            cand delete 'Delete a Performer (its pod and Service go with it)'
            cand prune 'Delete Performers an earlier run of their executor left behind'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hgctl;performer;create'= {
            cand -f 'Read the Performer from a YAML file (`-` for stdin) instead of flags'
            cand --filename 'Read the Performer from a YAML file (`-` for stdin) instead of flags'
            cand --image 'Container image'
            cand --avs 'AVS address (0x + 40 hex digits)'
            cand --version 'Informational version; a change rolls the pod'
            cand --grpc-port 'gRPC port of the performer (default 9090)'
            cand --env 'Environment variable (repeatable)'
            cand --env-from-secret 'Environment variable from a Secret key (repeatable)'
            cand --gpu 'GPU model (a100, h100, l4 ...), optionally a MIG slice (a100:mig-1g.10gb) and :COUNT'
            cand --mig-strategy 'How the cluster advertises MIG slices (default single; GKE is single)'
            cand --gpu-allocation 'How the GPUs are allocated: the device plugin''s nvidia.com/gpu (default) or DRA (a ResourceClaimTemplate for the NVIDIA DRA driver)'
            cand --device-class 'DeviceClass of a DRA GPU request (default gpu.nvidia.com)'
            cand --gpu-count 'Number of GPUs (default 1)'
            cand --tee 'Trusted Execution Environment (sgx, tdx, sev-snp, sev)'
            cand --tee-mode 'How the TEE is reached: a Kata runtime class, or a node that is a confidential VM'
            cand --sgx-quote-provider 'SGX through Intel''s webhook: annotate the pod with this quote provider (e.g. aesmd)'
            cand --runtime-class 'RuntimeClass for the pod'
            cand --node-selector 'Node label the pod requires (repeatable)'
            cand --toleration 'Toleration (repeatable)'
            cand --cpu 'CPU request and limit'
            cand --memory 'Memory request and limit'
            cand --requests 'Requests, e.g. cpu=500m,memory=1Gi'
            cand --limits 'Limits, e.g. cpu=2,memory=4Gi'
            cand --priority-class 'PriorityClass for the pod'
            cand --service-account 'ServiceAccount the pod runs as'
            cand --label 'Label on the Performer (repeatable)'
            cand --timeout 'How long --wait waits'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand --gpu-shared 'A time-sliced (shared) GPU is acceptable: nvidia.com/gpu.shared'
            cand --check 'Check which nodes could run it and why the others cannot'
            cand --dry-run 'Print the objects and change nothing'
            cand -y 'Never prompt; fail naming the missing flags instead'
            cand --yes 'Never prompt; fail naming the missing flags instead'
            cand --wait 'Wait until the object is ready'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;performer;get'= {
            cand -l 'Label selector, e.g. app=x,tier!=y'
            cand --selector 'Label selector, e.g. app=x,tier!=y'
            cand --context-timeout 'With several contexts: how long one cluster may take before its row says so'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -A 'List across all namespaces'
            cand --all-namespaces 'List across all namespaces'
            cand -w 'Keep streaming changes'
            cand --watch 'Keep streaming changes'
            cand --all-contexts 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;performer;describe'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;performer;delete'= {
            cand --timeout 'How long --wait waits'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand --wait 'Wait until it and its children are gone'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;performer;prune'= {
            cand --grace 'How long the newest Performer must have been ready before the older ones go'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand --orphans 'Delete executor-written Performers that are not the newest of their executor and AVS'
            cand --dry-run 'Print what would be deleted and change nothing'
            cand -y 'Delete without asking'
            cand --yes 'Delete without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;performer;help'= {
            cand create 'Scaffold a Performer from flags or a file; print it or apply it'
            cand get 'List Performers'
            cand describe 'Show a Performer, its pod, Service, events and what doctor says'
            cand delete 'Delete a Performer (its pod and Service go with it)'
            cand prune 'Delete Performers an earlier run of their executor left behind'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hgctl;performer;help;create'= {
        }
        &'hgctl;performer;help;get'= {
        }
        &'hgctl;performer;help;describe'= {
        }
        &'hgctl;performer;help;delete'= {
        }
        &'hgctl;performer;help;prune'= {
        }
        &'hgctl;performer;help;help'= {
        }
        &'hgctl;executor'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand create 'Scaffold an HourglassExecutor and its key Secret; print them or apply them'
            cand get 'List HourglassExecutors'
            cand describe 'Show an executor, its workload, config and events'
            cand delete 'Delete an HourglassExecutor'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hgctl;executor;create'= {
            cand -f 'Read the executor from a YAML file (`-` for stdin) instead of flags'
            cand --filename 'Read the executor from a YAML file (`-` for stdin) instead of flags'
            cand --image 'Executor image'
            cand --operator-address 'Operator address (0x + 40 hex digits)'
            cand --replicas 'Replicas (one per operator identity is recommended)'
            cand --executor-log-level 'Executor log level (debug, info, warn, error); `--log-level` is hgctl''s own'
            cand --chain 'Chain (repeatable)'
            cand --l1-chain 'Which chain is the L1 (default: the one with a known L1 chain id)'
            cand --aggregator 'Aggregator endpoint (seed field; not read by the executor)'
            cand --avs 'AVS performer the executor runs (repeatable)'
            cand --storage 'State storage'
            cand --grpc-port 'Task gRPC port (default 9000)'
            cand --management-port 'Management gRPC port (default 9001)'
            cand --operator-key-file 'File with the hex transaction private key'
            cand --ecdsa-key-file 'File with the hex ECDSA signing key'
            cand --bls-keystore 'EIP-2335 BLS keystore JSON'
            cand --bls-password-file 'File with the BLS keystore password'
            cand --keys-secret 'Use an existing Secret with the keys instead of key files'
            cand --command 'Container command for a custom image, one item per flag (default: executor)'
            cand --arg 'Container args for a custom image, one item per flag (default: run --config FILE)'
            cand --task-mailbox-contract 'TaskMailbox contract JSON (address and ABI) for an L1 the executor has none for'
            cand --task-mailbox-chain-ids 'Chain ids the TaskMailbox contract applies to (default: the L1 chain''s)'
            cand --contracts-file 'Contract table JSON replacing the executor''s built-in one'
            cand --remote-signer-url 'URL of a remote signer (Web3Signer, KMS proxy) holding the keys below'
            cand --remote-signer-tls-secret 'Secret with the remote signer''s TLS material (ca.crt, tls.crt, tls.key)'
            cand --remote-operator-key 'The transaction key is the remote signer''s'
            cand --remote-signing-key 'The ECDSA signing key is the remote signer''s'
            cand --service-type 'Type of the executor''s Service (the aggregator dials its task port)'
            cand --service-annotation 'Annotation of the executor''s Service (repeatable)'
            cand --external-traffic-policy 'externalTrafficPolicy of a NodePort or LoadBalancer Service'
            cand --timeout 'How long --wait waits'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand --network-policy 'Let only this executor''s pods reach the performers'' gRPC port (a NetworkPolicy NAME-performers; every other ingress to performer pods is then denied)'
            cand --dry-run 'Print the objects and change nothing'
            cand -y 'Never prompt; fail naming the missing flags instead'
            cand --yes 'Never prompt; fail naming the missing flags instead'
            cand --wait 'Wait until the object is ready'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;executor;get'= {
            cand -l 'Label selector, e.g. app=x,tier!=y'
            cand --selector 'Label selector, e.g. app=x,tier!=y'
            cand --context-timeout 'With several contexts: how long one cluster may take before its row says so'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -A 'List across all namespaces'
            cand --all-namespaces 'List across all namespaces'
            cand -w 'Keep streaming changes'
            cand --watch 'Keep streaming changes'
            cand --all-contexts 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;executor;describe'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;executor;delete'= {
            cand --timeout 'How long --wait waits'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand --wait 'Wait until it and its children are gone'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;executor;help'= {
            cand create 'Scaffold an HourglassExecutor and its key Secret; print them or apply them'
            cand get 'List HourglassExecutors'
            cand describe 'Show an executor, its workload, config and events'
            cand delete 'Delete an HourglassExecutor'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hgctl;executor;help;create'= {
        }
        &'hgctl;executor;help;get'= {
        }
        &'hgctl;executor;help;describe'= {
        }
        &'hgctl;executor;help;delete'= {
        }
        &'hgctl;executor;help;help'= {
        }
        &'hgctl;get'= {
            cand -l 'Label selector, e.g. app=x,tier!=y'
            cand --selector 'Label selector, e.g. app=x,tier!=y'
            cand --context-timeout 'With several contexts: how long one cluster may take before its row says so'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -A 'List across all namespaces'
            cand --all-namespaces 'List across all namespaces'
            cand -w 'Keep streaming changes'
            cand --watch 'Keep streaming changes'
            cand --all-contexts 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;status'= {
            cand --context-timeout 'With several contexts: how long one cluster may take before its row says so'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -A 'Across all namespaces'
            cand --all-namespaces 'Across all namespaces'
            cand --all-contexts 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;run-local'= {
            cand --metrics-addr 'Serve Prometheus /metrics here (operator default 127.0.0.1:9464; run-local only when given)'
            cand --health-addr 'Serve /healthz and /readyz here (operator default 127.0.0.1:8081; run-local only when given)'
            cand --log-format 'Log line format'
            cand --cluster-domain 'Cluster DNS domain used in gRPC endpoints'
            cand --lease-namespace 'Namespace of the leader-election Lease shared with the in-cluster operator'
            cand --concurrency 'Reconciles in flight at once, per controller (each holds one API server connection)'
            cand --rollout-budget 'Blue-green rollouts at once per namespace; the others wait their turn, serving (0: no limit)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -A 'Reconcile in every namespace (default: only --namespace)'
            cand --all-namespaces 'Reconcile in every namespace (default: only --namespace)'
            cand --take-over 'Wait for the current lease holder to give up instead of refusing to start'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;operator'= {
            cand --metrics-addr 'Serve Prometheus /metrics here (operator default 127.0.0.1:9464; run-local only when given)'
            cand --health-addr 'Serve /healthz and /readyz here (operator default 127.0.0.1:8081; run-local only when given)'
            cand --log-format 'Log line format'
            cand --cluster-domain 'Cluster DNS domain used in gRPC endpoints'
            cand --lease-namespace 'Namespace of the leader-election Lease shared with the in-cluster operator'
            cand --concurrency 'Reconciles in flight at once, per controller (each holds one API server connection)'
            cand --rollout-budget 'Blue-green rollouts at once per namespace; the others wait their turn, serving (0: no limit)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -A 'Reconcile in every namespace (default: only --namespace)'
            cand --all-namespaces 'Reconcile in every namespace (default: only --namespace)'
            cand --take-over 'Wait for the current lease holder to give up instead of refusing to start'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;doctor'= {
            cand --fail-on 'Exit non-zero on warnings too'
            cand --skip 'Skip a check by its ID (repeatable)'
            cand --wait 'Re-run until nothing fails or this time is up (the exit code is the last run''s)'
            cand --probe-image 'Image of the probe pod, an hgctl image (default: the installed operator''s image)'
            cand --probe-node-selector 'Node selector of the probe pod, e.g. where the executors run (repeatable)'
            cand --probe-toleration 'Toleration of the probe pod (repeatable)'
            cand --context-timeout 'With several contexts: how long one cluster may take before its row says so'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand --pre 'Check a cluster before install: reachability, version, rights to install'
            cand -A 'Check workloads in every namespace'
            cand --all-namespaces 'Check workloads in every namespace'
            cand --probe 'Also call each Performer from a short-lived pod in its namespace: its Service name resolves, TCP connects, gRPC health answers (plaintext and TLS), with latencies'
            cand --all-contexts 'Every context of the kubeconfig (all files of $KUBECONFIG), queried concurrently'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;crds'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;completions'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;manpage'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;version'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand --server 'Also ask the cluster for its version'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;apply'= {
            cand -f 'File or folder (folders recurse; `-` for stdin); repeatable'
            cand --filename 'File or folder (folders recurse; `-` for stdin); repeatable'
            cand --applyset 'Name of the ApplySet parent Secret (the same as `kubectl apply --applyset=NAME`)'
            cand --dry-run 'Change nothing: `client` validates and says what would happen, `server` asks the API server'
            cand --timeout 'How long --wait waits'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand --prune 'Delete the set''s objects that the input no longer has'
            cand --wait 'Wait until every applied Performer and executor is ready'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;diff'= {
            cand -f 'File or folder (folders recurse; `-` for stdin); repeatable'
            cand --filename 'File or folder (folders recurse; `-` for stdin); repeatable'
            cand --applyset 'Name of the ApplySet parent Secret'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand --prune 'Also show the set''s objects that the input no longer has, as removed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;wait'= {
            cand --for 'The condition to wait for'
            cand --timeout 'How long to wait'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;support-bundle'= {
            cand --file 'Where to write the archive (default hgctl-support-<time>.tar.gz)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -A 'Across all namespaces'
            cand --all-namespaces 'Across all namespaces'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;probe'= {
            cand --timeout 'Deadline of each step (resolve, connect, each call)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;tls-proxy'= {
            cand --listen 'Address to accept TLS on'
            cand --upstream 'The performer''s plaintext address'
            cand --cert 'PEM certificate (chain)'
            cand --key 'PEM private key'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); get, status and doctor take it more than once and query those clusters together'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand -o 'Output format (commands accept the subset that makes sense for them)'
            cand --output 'Output format (commands accept the subset that makes sense for them)'
            cand --log-level 'Log verbosity on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hgctl;help'= {
            cand install 'Install the CRDs, RBAC and the in-cluster operator'
            cand uninstall 'Remove what `hgctl install` created (refuses to delete data unless asked)'
            cand performer 'Create, inspect and delete Performers'
            cand executor 'Create, inspect and delete HourglassExecutors'
            cand get 'List Performers or HourglassExecutors like `kubectl get`'
            cand status 'One screen for the whole fleet: executors, performers by phase, a summary'
            cand run-local 'Run the reconcilers on this machine against the current kubeconfig context'
            cand operator 'Run the reconcilers in-cluster (the entry point of the operator Deployment)'
            cand doctor 'Check the cluster, the installation, the hardware and the workloads'
            cand crds 'Print both CRDs as a multi-document YAML stream'
            cand completions 'Print a shell completion script'
            cand manpage 'Print the man page (roff) of hgctl'
            cand version 'Print the version of hgctl (and of the cluster with --server)'
            cand apply 'Apply a folder of specs as one set (server-side apply; --prune removes what left it)'
            cand diff 'Show what `apply` would change, as a unified diff (exit 1 when something differs)'
            cand wait 'Wait until a Performer or HourglassExecutor is ready'
            cand support-bundle 'Collect versions, objects, events, logs and doctor''s report into a .tar.gz (no secrets)'
            cand probe 'Resolve and call gRPC endpoints, one JSON line each (what the pod of `doctor --probe` runs)'
            cand tls-proxy 'Terminate TLS and forward to a local port (the sidecar of a Performer with tls.terminate)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hgctl;help;install'= {
        }
        &'hgctl;help;uninstall'= {
        }
        &'hgctl;help;performer'= {
            cand create 'Scaffold a Performer from flags or a file; print it or apply it'
            cand get 'List Performers'
            cand describe 'Show a Performer, its pod, Service, events and what doctor says'
            cand delete 'Delete a Performer (its pod and Service go with it)'
            cand prune 'Delete Performers an earlier run of their executor left behind'
        }
        &'hgctl;help;performer;create'= {
        }
        &'hgctl;help;performer;get'= {
        }
        &'hgctl;help;performer;describe'= {
        }
        &'hgctl;help;performer;delete'= {
        }
        &'hgctl;help;performer;prune'= {
        }
        &'hgctl;help;executor'= {
            cand create 'Scaffold an HourglassExecutor and its key Secret; print them or apply them'
            cand get 'List HourglassExecutors'
            cand describe 'Show an executor, its workload, config and events'
            cand delete 'Delete an HourglassExecutor'
        }
        &'hgctl;help;executor;create'= {
        }
        &'hgctl;help;executor;get'= {
        }
        &'hgctl;help;executor;describe'= {
        }
        &'hgctl;help;executor;delete'= {
        }
        &'hgctl;help;get'= {
        }
        &'hgctl;help;status'= {
        }
        &'hgctl;help;run-local'= {
        }
        &'hgctl;help;operator'= {
        }
        &'hgctl;help;doctor'= {
        }
        &'hgctl;help;crds'= {
        }
        &'hgctl;help;completions'= {
        }
        &'hgctl;help;manpage'= {
        }
        &'hgctl;help;version'= {
        }
        &'hgctl;help;apply'= {
        }
        &'hgctl;help;diff'= {
        }
        &'hgctl;help;wait'= {
        }
        &'hgctl;help;support-bundle'= {
        }
        &'hgctl;help;probe'= {
        }
        &'hgctl;help;tls-proxy'= {
        }
        &'hgctl;help;help'= {
        }
    ]
    $completions[$command]
}
