{{/* Names and labels every ironlb object shares. */}}

{{/* The release's base name: the release name when it already says ironlb, else <release>-ironlb (63 chars max). */}}
{{- define "ironlb.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ironlb.controller.name" -}}
{{- printf "%s-controller" (include "ironlb.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ironlb.speaker.name" -}}
{{- printf "%s-speaker" (include "ironlb.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The webhook's Service, its ValidatingWebhookConfiguration (cluster-wide) and its certificate Secret. */}}
{{- define "ironlb.webhook.service" -}}
{{- printf "%s-webhook" (include "ironlb.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ironlb.webhook.config" -}}
{{- printf "%s-validating" (include "ironlb.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ironlb.webhook.secret" -}}
{{- printf "%s-webhook-cert" (include "ironlb.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: stable across upgrades (a Deployment's and DaemonSet's selector is immutable). */}}
{{- define "ironlb.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ironlb.labels" -}}
{{ include "ironlb.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ironlb
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "ironlb.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
The speaker's capabilities: NET_RAW for its ARP/NDP packet socket; NET_ADMIN for the dataplane's nftables,
iptables or IPVS rules and for TCP MD5 keys; NET_BIND_SERVICE to accept BGP sessions on a port below 1024.
*/}}
{{- define "ironlb.speaker.capabilities" -}}
- NET_RAW
{{- if or (ne .Values.speaker.dataplane "none") .Values.speaker.bgpMD5 }}
- NET_ADMIN
{{- end }}
{{- if and (gt (int .Values.speaker.bgpPort) 0) (lt (int .Values.speaker.bgpPort) 1024) }}
- NET_BIND_SERVICE
{{- end }}
{{- end -}}
