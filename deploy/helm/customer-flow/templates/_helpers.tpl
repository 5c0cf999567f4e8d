{{/* Chart name, truncated to the 63 characters Kubernetes names allow. */}}
{{- define "customer-flow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: release name + chart name, unless overridden. */}}
{{- define "customer-flow.fullname" -}}
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

{{- define "customer-flow.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels. */}}
{{- define "customer-flow.labels" -}}
helm.sh/chart: {{ include "customer-flow.chart" . }}
app.kubernetes.io/name: {{ include "customer-flow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: customer-flow
{{- end }}

{{/* Selector labels of one component; call with (dict "root" $ "component" "ingest"). */}}
{{- define "customer-flow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "customer-flow.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of one component's objects. */}}
{{- define "customer-flow.componentLabels" -}}
{{ include "customer-flow.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Name of one component's objects, e.g. <release>-customer-flow-ingest. */}}
{{- define "customer-flow.componentName" -}}
{{- printf "%s-%s" (include "customer-flow.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "customer-flow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "customer-flow.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image of a service: registry/image:tag, the tag defaulting to appVersion. */}}
{{- define "customer-flow.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .service.image (default .root.Chart.AppVersion .root.Values.image.tag) }}
{{- end }}

{{/* Whether an autoscaler (HPA or KEDA) owns the replicas of a service. */}}
{{- define "customer-flow.autoscaled" -}}
{{- if or .autoscaling.enabled (and .keda .keda.enabled) }}true{{ end }}
{{- end }}

{{/* An HPA and a KEDA ScaledObject (which makes its own HPA) on one Deployment would fight over its replicas. */}}
{{- define "customer-flow.checkOneAutoscaler" -}}
{{- if and .svc.autoscaling.enabled .svc.keda .svc.keda.enabled }}
{{- fail (printf "services.%s: autoscaling.enabled and keda.enabled are both true; choose one (KEDA makes its own HPA)" .key) }}
{{- end }}
{{- end }}

{{/* Whether the Kafka security protocol uses SASL / TLS. */}}
{{- define "customer-flow.kafkaSasl" -}}
{{- if hasPrefix "SASL_" .Values.kafka.securityProtocol }}true{{ end }}
{{- end }}
{{- define "customer-flow.kafkaTls" -}}
{{- if hasSuffix "SSL" .Values.kafka.securityProtocol }}true{{ end }}
{{- end }}
