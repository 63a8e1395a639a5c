// Placeholder replaced by the kube client implementation (see src/kube/).
export interface KubeClient {
  readonly server: string;
}
