package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"hgctl.test/executor-compat/loader"
)

// The Performer the real executor writes in kubernetes mode, field for field. Upstream source
// (Layr-Labs/hourglass-monorepo, commit 11f1554, folder ponos/pkg):
//   - executor/avsPerformer/avsKubernetesPerformer/kubernetesPerformer.go: generatePerformerID,
//     buildEnvironmentFromImage, createPerformerResource (pull policy Never, port 8080, version = tag)
//   - kubernetesManager/crd.go: CreatePerformer (labels, the object) and the PerformerCRD types,
//     serialized by encoding/json: the Go structs' field order and omitempty rules decide the body
//   - kubernetesManager/types.go: EnvVarSource / KeySelector
//   - containerManager/utils.go: HashAvsAddress (first 6 hex of SHA-256 of the address)
//   - executor/executor.go: Initialize (address lower-cased; envs and serviceAccountName from config)
// Struct order and tags below reproduce that serialization; they are written here, not copied.

const performerGRPCPort = 8080

type performerObject struct {
	Kind       string          `json:"kind"`
	APIVersion string          `json:"apiVersion"`
	Metadata   objectMeta      `json:"metadata"`
	Spec       performerSpec   `json:"spec"`
	Status     performerStatus `json:"status"`
}

// objectMeta keeps metav1.ObjectMeta's order; a zero creationTimestamp serializes as null.
type objectMeta struct {
	Name              string            `json:"name,omitempty"`
	Namespace         string            `json:"namespace,omitempty"`
	CreationTimestamp *string           `json:"creationTimestamp"`
	Labels            map[string]string `json:"labels,omitempty"`
}

type performerSpec struct {
	AVSAddress      string          `json:"avsAddress"`
	Image           string          `json:"image"`
	ImagePullPolicy string          `json:"imagePullPolicy,omitempty"`
	Version         string          `json:"version,omitempty"`
	Config          performerConfig `json:"config"`
	// Resources is a struct upstream, so omitempty never drops it: always {}.
	Resources struct{} `json:"resources"`
}

type performerConfig struct {
	GRPCPort           int32             `json:"grpcPort,omitempty"`
	Environment        map[string]string `json:"environment,omitempty"`
	EnvironmentFrom    []envVarSource    `json:"environmentFrom,omitempty"`
	ServiceAccountName string            `json:"serviceAccountName,omitempty"`
}

type envVarSource struct {
	Name      string        `json:"name"`
	ValueFrom *envValueFrom `json:"valueFrom,omitempty"`
}

type envValueFrom struct {
	SecretKeyRef    *keySelector `json:"secretKeyRef,omitempty"`
	ConfigMapKeyRef *keySelector `json:"configMapKeyRef,omitempty"`
}

type keySelector struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

// performerStatus: every upstream status field is omitempty, so the body carries "status": {}.
type performerStatus struct {
	Ready bool `json:"ready,omitempty"`
}

// performerName is performer-<first 6 hex of sha256(address)>-<8 random hex>.
func performerName(avsAddress string) (string, error) {
	sum := sha256.Sum256([]byte(avsAddress))
	random := make([]byte, 4)
	if _, err := rand.Read(random); err != nil {
		return "", err
	}
	return fmt.Sprintf("performer-%s-%s", hex.EncodeToString(sum[:])[:6], hex.EncodeToString(random)), nil
}

// buildPerformer is the object the executor creates for one AVS (address already lower-cased).
func buildPerformer(name, namespace, group, version, avsAddress string, avs *loader.AvsPerformerConfig) performerObject {
	env := map[string]string{
		"AVS_ADDRESS": avsAddress,
		"GRPC_PORT":   fmt.Sprint(performerGRPCPort),
	}
	var from []envVarSource
	for _, e := range avs.Envs {
		if e.Value == "" && e.ValueFromEnv == "" && e.KubernetesEnv == nil {
			continue
		}
		secret, configMap := refOf(e, true), refOf(e, false)
		switch {
		case secret != nil && secret.Name != "":
			from = append(from, envVarSource{Name: e.Name, ValueFrom: &envValueFrom{SecretKeyRef: secret}})
		case configMap != nil && configMap.Name != "":
			from = append(from, envVarSource{Name: e.Name, ValueFrom: &envValueFrom{ConfigMapKeyRef: configMap}})
		case e.Value != "":
			env[e.Name] = e.Value
		}
		// valueFromEnv is ignored in kubernetes mode, as upstream does.
	}
	sa := ""
	if avs.Kubernetes != nil {
		sa = avs.Kubernetes.ServiceAccountName
	}
	repo, tag := "", ""
	if avs.Image != nil {
		repo, tag = avs.Image.Repository, avs.Image.Tag
	}
	return performerObject{
		Kind:       "Performer",
		APIVersion: group + "/" + version,
		Metadata: objectMeta{
			Name:      name,
			Namespace: namespace,
			Labels: map[string]string{
				"app":                               "hourglass-performer",
				"hourglass.eigenlayer.io/avs":       avsAddress,
				"hourglass.eigenlayer.io/performer": name,
			},
		},
		Spec: performerSpec{
			AVSAddress:      avsAddress,
			Image:           repo + ":" + tag,
			ImagePullPolicy: "Never",
			Version:         tag,
			Config: performerConfig{
				GRPCPort:           performerGRPCPort,
				Environment:        env,
				EnvironmentFrom:    from,
				ServiceAccountName: sa,
			},
		},
	}
}

func refOf(e loader.AVSPerformerEnv, secret bool) *keySelector {
	if e.KubernetesEnv == nil || e.KubernetesEnv.ValueFrom == nil {
		return nil
	}
	r := e.KubernetesEnv.ValueFrom.ConfigMapKeyRef
	if secret {
		r = e.KubernetesEnv.ValueFrom.SecretKeyRef
	}
	if r == nil {
		return nil
	}
	return &keySelector{Name: r.Name, Key: r.Key}
}

func lower(s string) string { return strings.ToLower(s) }
