{{- define "kube-eventer.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kube-eventer.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kube-eventer.labels" -}}
{{ include "kube-eventer.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "kube-eventer.serviceAccountName" -}}
{{- default (include "kube-eventer.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "kube-eventer.needsHaRole" -}}
{{- if or .Values.leaderElection.enabled (and .Values.checkpoint.enabled (eq .Values.checkpoint.type "configmap")) -}}true{{- end -}}
{{- end -}}
