{{/*
Names. Every resource is named <fullname>-<component>; fullname is <release>-roomcast, or the
release name alone when it already contains the chart name.
*/}}
{{- define "roomcast.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "roomcast.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else if contains (include "roomcast.name" .) .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "roomcast.name" .) | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* <fullname>-<component>. Call with (dict "ctx" $ "component" "room"). */}}
{{- define "roomcast.componentName" -}}
{{- printf "%s-%s" (include "roomcast.fullname" .ctx) .component }}
{{- end }}

{{/* Labels. Call with (dict "ctx" $ "component" "room"). */}}
{{- define "roomcast.selectorLabels" -}}
app.kubernetes.io/name: {{ include "roomcast.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "roomcast.labels" -}}
{{ include "roomcast.selectorLabels" . }}
app.kubernetes.io/part-of: roomcast
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Metadata of a namespaced object. Call with (dict "ctx" $ "component" "room"). */}}
{{- define "roomcast.metadata" -}}
name: {{ include "roomcast.componentName" . }}
namespace: {{ .ctx.Release.Namespace }}
labels:
  {{- include "roomcast.labels" . | nindent 2 }}
{{- end }}

{{/* Selects the pods of every component of this release, for NetworkPolicies. */}}
{{- define "roomcast.releasePods" -}}
podSelector:
  matchLabels:
    app.kubernetes.io/name: {{ include "roomcast.name" . }}
    app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
An image reference. Call with (dict "ctx" $ "image" .Values.services.room.image). Roomcast's
own images fall back to image.tag, then to the chart's appVersion.
*/}}
{{- define "roomcast.image" -}}
{{- $tag := .image.tag | default .ctx.Values.image.tag | default .ctx.Chart.AppVersion }}
{{- printf "%s:%s" .image.repository (toString $tag) }}
{{- end }}

{{/*
What every pod spec of the chart shares: its service account, pull secrets and a non-root
security context. Call with (dict "ctx" $ "serviceAccount" "workload" "uid" 70); uid defaults
to 10001, the user of Roomcast's own images. Only the operator's account gets a token.
*/}}
{{- define "roomcast.podSpecCommon" -}}
serviceAccountName: {{ include "roomcast.componentName" (dict "ctx" .ctx "component" .serviceAccount) }}
automountServiceAccountToken: {{ eq .serviceAccount "operator" }}
{{- with .ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .uid | default 10001 }}
  runAsGroup: {{ .uid | default 10001 }}
  fsGroup: {{ .uid | default 10001 }}
  seccompProfile:
    type: RuntimeDefault
{{- end }}

{{/* A container's security context: read-only root, no privilege escalation, no capabilities. */}}
{{- define "roomcast.containerSecurityContext" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
{{- end }}

{{/*
Which shared infrastructure and which other services each Roomcast service uses. The
services read these as environment variables (see README.md).
*/}}
{{- define "roomcast.serviceNeeds" -}}
user: { database: true, nats: false, redis: false, calls: [] }
room: { database: true, nats: false, redis: false, calls: [] }
session: { database: true, nats: true, redis: true, calls: [room] }
event: { database: true, nats: true, redis: false, calls: [] }
aggregation: { database: true, nats: true, redis: false, calls: [session, event] }
realtime: { database: false, nats: true, redis: true, calls: [session, event] }
adapter: { database: false, nats: true, redis: true, calls: [session] }
{{- end }}

{{/* host:port of a service's gRPC port. Call with (dict "ctx" $ "component" "room"). */}}
{{- define "roomcast.serviceAddr" -}}
{{- printf "%s:%v" (include "roomcast.componentName" .) .ctx.Values.ports.grpc }}
{{- end }}

{{/* The Secret holding DATABASE_URL, NATS_URL, REDIS_URL unless an existing Secret is used. */}}
{{- define "roomcast.connectionsSecret" -}}
{{- include "roomcast.componentName" (dict "ctx" . "component" "connections") }}
{{- end }}

{{/*
One connection URL variable read from a Secret: the user's existingSecret in external mode,
else the chart's connections Secret. Call with (dict "ctx" $ "env" "NATS_URL" "infra" .Values.nats).
*/}}
{{- define "roomcast.connectionEnv" -}}
{{- $existing := and (eq .infra.mode "external") .infra.external.existingSecret.name -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      {{- if $existing }}
      name: {{ .infra.external.existingSecret.name }}
      key: {{ .infra.external.existingSecret.key }}
      {{- else }}
      name: {{ include "roomcast.connectionsSecret" .ctx }}
      key: {{ .env }}
      {{- end }}
{{- end }}

{{/*
Checks the schema cannot express: external infrastructure names a URL or a Secret, and the
realtime autoscaling bounds are in order.
*/}}
{{- define "roomcast.validateValues" -}}
{{- range $name := list "postgresql" "nats" "redis" }}
{{- $infra := index $.Values $name }}
{{- if and (eq $infra.mode "external") (not $infra.external.url) (not $infra.external.existingSecret.name) }}
{{- fail (printf "%s.mode is external: set %s.external.url or %s.external.existingSecret.name" $name $name $name) }}
{{- end }}
{{- end }}
{{- with .Values.services.realtime.autoscaling }}
{{- if gt (int .minReplicas) (int .maxReplicas) }}
{{- fail (printf "services.realtime.autoscaling: minReplicas (%v) is above maxReplicas (%v)" .minReplicas .maxReplicas) }}
{{- end }}
{{- end }}
{{- end }}

{{/* The writable /tmp every read-only container gets. */}}
{{- define "roomcast.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}

{{- define "roomcast.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end }}

{{/* A PodDisruptionBudget. Call with (dict "ctx" $ "component" "room" "pdb" .podDisruptionBudget). */}}
{{- define "roomcast.podDisruptionBudget" -}}
{{- if .pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  {{- include "roomcast.metadata" . | nindent 2 }}
spec:
  maxUnavailable: {{ .pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "roomcast.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}
