{{/* Name of the chart, or nameOverride. */}}
{{- define "nemotron-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects: the release name when it already holds the chart name. */}}
{{- define "nemotron-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "nemotron-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nemotron-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "nemotron-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "nemotron-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* gpuPlacement as the operator reads it: CLASS=PLACEMENT entries, a list of labels joined by "|". */}}
{{- define "nemotron-operator.gpuPlacement" -}}
{{- $entries := list }}
{{- range $class, $placement := . }}
{{- if kindIs "slice" $placement }}
{{- $entries = append $entries (printf "%s=%s" $class (join "|" $placement)) }}
{{- else }}
{{- $entries = append $entries (printf "%s=%s" $class $placement) }}
{{- end }}
{{- end }}
{{- join "," $entries }}
{{- end }}

{{- define "nemotron-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "nemotron-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "nemotron-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "nemotron-operator.runtimeImage" -}}
{{- printf "%s:%s" .Values.runtime.image.repository (default .Chart.AppVersion .Values.runtime.image.tag) }}
{{- end }}

{{/*
The operator's permissions, split by where they can be granted. Together they are exactly the rules
of operator/src/main/kubernetes/kubernetes.yml (a test in the charts module compares them): the
operator reads its resource and writes its status (no finalizer), and manages the fleets' children.
*/}}

{{/* Rules on objects in the watched namespaces: the custom resource and the fleets' children. */}}
{{- define "nemotron-operator.rules.watched" -}}
- apiGroups: [nemotron.inference.dev]
  resources: [nemotrondiffusiondeployments]
  verbs: [get, list, watch]
- apiGroups: [nemotron.inference.dev]
  resources: [nemotrondiffusiondeployments/status]
  verbs: [get, update, patch]
- apiGroups: [""]
  resources: [serviceaccounts, configmaps, services]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [""]
  resources: [persistentvolumeclaims]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [batch]
  resources: [jobs]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
# the autoscaler reads the fleets' pods (readiness, IP, port) to scrape their metrics
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
- apiGroups: [monitoring.coreos.com]
  resources: [servicemonitors]
  verbs: [get, create, update]
{{- end }}

{{/* Cluster-scoped: a watch of the Prometheus Operator's ServiceMonitor CRD, by name (the
operator lists and watches it with a metadata.name field selector, which resourceNames allows). */}}
{{- define "nemotron-operator.rules.cluster" -}}
- apiGroups: [apiextensions.k8s.io]
  resources: [customresourcedefinitions]
  resourceNames: [servicemonitors.monitoring.coreos.com]
  verbs: [list, watch]
{{- end }}

{{/* In the operator's own namespace: the leader-election Lease. */}}
{{- define "nemotron-operator.rules.leaderElection" -}}
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, create, update]
{{- end }}
