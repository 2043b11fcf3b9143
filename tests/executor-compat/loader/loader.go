// Package loader reads an executor config.yaml the way the real Hourglass
// executor ("ponos") does, and validates it: viper with env prefix "EXECUTOR_"
// (variables EXECUTOR__A_B_C), "." replaced by "_", AutomaticEnv, then
// Unmarshal through mapstructure, which matches keys to Go field names
// case-insensitively and ignores json/yaml tags. Facts from
// /work/shared/reference/executor.md (source commit 11f1554).
//
// Shared by the compatibility harness (tests/executor-compat, strict: unknown
// keys fail) and the executor stand-in image (tests/images/cmd/executor,
// lenient like the binary).
package loader

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
)

type RemoteSignerConfig struct {
	Url, CaCert, Cert, Key, FromAddress, PublicKey string
}

type ECDSAKeyConfig struct {
	PrivateKey         string
	UseRemoteSigner    bool
	RemoteSignerConfig *RemoteSignerConfig
}

type BLSKeyConfig struct {
	Keystore, KeystoreFile, Password string
}

type SigningKeys struct {
	ECDSA *ECDSAKeyConfig
	BLS   *BLSKeyConfig
}

type OperatorConfig struct {
	Address            string
	OperatorPrivateKey *ECDSAKeyConfig
	SigningKeys        SigningKeys
}

type Chain struct {
	RpcUrl  string
	ChainId uint
}

type PerformerImage struct{ Repository, Tag string }

type KeyRef struct{ Name, Key string }

type KubernetesEnvValueFrom struct {
	SecretKeyRef    *KeyRef
	ConfigMapKeyRef *KeyRef
}

type KubernetesEnv struct{ ValueFrom *KubernetesEnvValueFrom }

type AVSPerformerEnv struct {
	Name, Value, ValueFromEnv string
	KubernetesEnv             *KubernetesEnv
}

type AvsPerformerKubernetesConfig struct{ ServiceAccountName, EndpointOverride string }

type AvsPerformerConfig struct {
	Image           *PerformerImage
	ProcessType     string
	AvsAddress      string
	OperatorAddress string
	Envs            []AVSPerformerEnv
	DeploymentMode  string
	Kubernetes      *AvsPerformerKubernetesConfig
}

type KubernetesConfig struct {
	Namespace, OperatorNamespace, CRDGroup, CRDVersion string
	ConnectionTimeout                                  time.Duration
	KubeConfigPath                                     string
	InCluster                                          bool
}

type BadgerConfig struct {
	Dir                                                            string
	InMemory                                                       bool
	ValueLogFileSize                                               int64
	NumVersionsToKeep, NumLevelZeroTables, NumLevelZeroTablesStall int
}

type StorageConfig struct {
	Type         string
	BadgerConfig *BadgerConfig
}

type AuthConfig struct{ IsEnabled bool }

type OverrideContract struct {
	Contract string
	ChainIds []uint
}

type OverrideContracts struct{ TaskMailbox *OverrideContract }

type ExecutorConfig struct {
	Debug                    bool
	GrpcPort                 int
	ManagementServerGrpcPort int
	PerformerNetworkName     string
	Operator                 *OperatorConfig
	AvsPerformers            []*AvsPerformerConfig
	L1Chain                  *Chain
	// json.RawMessage as in the binary: viper splits a string at commas, so hgctl writes the bytes.
	Contracts         json.RawMessage
	OverrideContracts *OverrideContracts
	Kubernetes        *KubernetesConfig
	Storage           *StorageConfig
	AuthConfig        *AuthConfig
}

func opKey(c *ExecutorConfig) *ECDSAKeyConfig {
	if c.Operator == nil {
		return nil
	}
	return c.Operator.OperatorPrivateKey
}

func ecdsaKey(c *ExecutorConfig) *ECDSAKeyConfig {
	if c.Operator == nil {
		return nil
	}
	return c.Operator.SigningKeys.ECDSA
}

// Validate applies the checks the executor makes at start-up (see the package comment).
func Validate(c *ExecutorConfig) error {
	var errs []string
	add := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }
	if c.GrpcPort == 0 {
		add("grpcPort: required (0 listens on a random port)")
	}
	if c.Operator == nil {
		add("operator: required")
	} else {
		o := c.Operator
		if o.Address == "" {
			add("operator.address: required")
		}
		if o.OperatorPrivateKey == nil || (o.OperatorPrivateKey.PrivateKey == "" && !o.OperatorPrivateKey.UseRemoteSigner) {
			add("operator.operatorPrivateKey: privateKey or useRemoteSigner required")
		}
		sk := o.SigningKeys
		if sk.ECDSA == nil && sk.BLS == nil {
			add("operator.signingKeys: at least one of ecdsa, bls required")
		}
		if sk.ECDSA != nil && sk.ECDSA.PrivateKey == "" && !sk.ECDSA.UseRemoteSigner {
			add("operator.signingKeys.ecdsa: privateKey or useRemoteSigner required")
		}
		if sk.BLS != nil {
			if sk.BLS.Keystore == "" && sk.BLS.KeystoreFile == "" {
				add("operator.signingKeys.bls: keystore or keystoreFile required")
			}
			if sk.BLS.Password == "" {
				add("operator.signingKeys.bls.password: required")
			}
		}
	}
	if c.L1Chain == nil || c.L1Chain.RpcUrl == "" {
		add("l1Chain.rpcUrl: required")
	}
	// The binary parses these at start (LoadOverrideContract / LoadContractsFromRuntime).
	if o := c.OverrideContracts; o != nil && o.TaskMailbox != nil && len(o.TaskMailbox.Contract) > 0 {
		var contract map[string]any
		if err := json.Unmarshal([]byte(o.TaskMailbox.Contract), &contract); err != nil || contract == nil {
			add("overrideContracts.taskMailbox.contract: not a JSON object: %v", err)
		}
	}
	if len(c.Contracts) > 0 {
		var table struct{ Contracts []map[string]any }
		if err := json.Unmarshal(c.Contracts, &table); err != nil {
			add("contracts: not the contract table JSON: %v", err)
		}
	}
	for _, k := range []*ECDSAKeyConfig{opKey(c), ecdsaKey(c)} {
		if k != nil && k.UseRemoteSigner && (k.RemoteSignerConfig == nil || k.RemoteSignerConfig.Url == "" || k.RemoteSignerConfig.FromAddress == "") {
			add("remoteSignerConfig: url and fromAddress required with useRemoteSigner")
		}
	}
	if c.Storage == nil {
		add("storage: required (the binary panics without it)")
	} else if c.Storage.Type != "memory" && c.Storage.Type != "badger" {
		add("storage.type: must be memory or badger, got %q", c.Storage.Type)
	} else if c.Storage.Type == "badger" && (c.Storage.BadgerConfig == nil || c.Storage.BadgerConfig.Dir == "") {
		add("storage.badgerConfig.dir: required for badger")
	}
	modes := map[string]bool{}
	for i, p := range c.AvsPerformers {
		if p.AvsAddress == "" {
			add("avsPerformers[%d].avsAddress: required", i)
		}
		if p.Image == nil || p.Image.Repository == "" || p.Image.Tag == "" {
			add("avsPerformers[%d].image: repository and tag required", i)
		}
		if p.ProcessType != "server" {
			add("avsPerformers[%d].processType: must be server", i)
		}
		mode := p.DeploymentMode
		if mode == "" {
			mode = "docker"
		}
		if mode != "docker" && mode != "kubernetes" {
			add("avsPerformers[%d].deploymentMode: must be docker or kubernetes", i)
		}
		modes[mode] = true
		for j, e := range p.Envs {
			n := 0
			if e.Value != "" {
				n++
			}
			if e.ValueFromEnv != "" {
				n++
			}
			if e.KubernetesEnv != nil && e.KubernetesEnv.ValueFrom != nil &&
				(e.KubernetesEnv.ValueFrom.SecretKeyRef != nil) != (e.KubernetesEnv.ValueFrom.ConfigMapKeyRef != nil) {
				n++
			}
			if e.Name == "" || n != 1 {
				add("avsPerformers[%d].envs[%d]: name and exactly one value source required", i, j)
			}
		}
	}
	if len(modes) > 1 {
		add("avsPerformers: mixed deployment modes")
	}
	if modes["kubernetes"] {
		k := c.Kubernetes
		if k == nil {
			add("kubernetes: required in kubernetes mode")
		} else {
			if k.Namespace == "" || k.OperatorNamespace == "" || k.CRDGroup == "" || k.CRDVersion == "" {
				add("kubernetes: namespace, operatorNamespace, crdGroup, crdVersion required")
			}
			if k.ConnectionTimeout == 0 {
				add("kubernetes.connectionTimeout: required")
			}
			if !k.InCluster && k.KubeConfigPath == "" {
				add("kubernetes.kubeConfigPath: required when not inCluster")
			}
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// Load reads path with the process environment applied. strict rejects keys
// that map to no field (the binary silently drops them).
func Load(path string, strict bool) (*ExecutorConfig, error) {
	v := viper.New()
	v.SetEnvPrefix("EXECUTOR_")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_", ".", "_"))
	v.AutomaticEnv()
	v.SetConfigFile(path)
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	var cfg *ExecutorConfig
	opt := func(dc *mapstructure.DecoderConfig) { dc.ErrorUnused = strict }
	if err := v.Unmarshal(&cfg, opt); err != nil {
		return nil, fmt.Errorf("unmarshal: %w", err)
	}
	if cfg == nil {
		return nil, errors.New("unmarshal: empty config")
	}
	return cfg, nil
}
