#!/usr/bin/env bash
# Builds the binaries of Roomcast's test control plane from Go modules and caches them:
# kube-apiserver and kubectl (k8s.io/kubernetes), etcd (go.etcd.io/etcd/server/v3) and helm
# (helm.sh/helm/v4). A warm run only checks version stamps and returns in seconds.
#
# Output: ${ROOMCAST_CACHE:-$HOME/.cache/roomcast}/k8s/<k8s-version>/bin/{kube-apiserver,kubectl,
# etcd,helm}. The last line printed is that bin directory, so callers can capture it.
#
# Environment:
#   ROOMCAST_CACHE        cache root (default ~/.cache/roomcast)
#   ROOMCAST_GO_PARALLEL  packages compiled at once by `go build -p` (default: number of cores)
set -euo pipefail

readonly K8S_VERSION=v1.34.12
readonly ETCD_VERSION=v3.6.4
readonly HELM_VERSION=v4.3.2

readonly CACHE_ROOT="${ROOMCAST_CACHE:-$HOME/.cache/roomcast}"
readonly K8S_DIR="$CACHE_ROOT/k8s/$K8S_VERSION"
readonly BIN_DIR="$K8S_DIR/bin"
readonly SRC_DIR="$K8S_DIR/src"
readonly GO_PARALLEL="${ROOMCAST_GO_PARALLEL:-$(nproc)}"

log() { printf '[install-k8s] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# is_current NAME VERSION: the binary exists and was built by this script at VERSION.
is_current() {
  [[ -x "$BIN_DIR/$1" && -f "$BIN_DIR/.$1.version" ]] &&
    [[ "$(cat "$BIN_DIR/.$1.version")" == "$2" ]]
}

stamp() { printf '%s\n' "$2" >"$BIN_DIR/.$1.version"; }

# timed LABEL CMD...: runs CMD and logs how long it took, so cold builds are measured every time.
timed() {
  local label="$1" started
  shift
  started=$(date +%s)
  "$@"
  log "$label took $(($(date +%s) - started))s"
}

# The k8s.io/kubernetes module refers to its staging modules (k8s.io/api, k8s.io/client-go, ...)
# as v0.0.0 with `replace => ./staging/...`, which only works inside its own repository. A
# module that depends on it must pin each of them to the published v0.<minor>.<patch> tag.
# The list is read from the release's own go.mod so it always matches the release.
write_kube_module() {
  local dir="$SRC_DIR/kubernetes" staging_version="v0.${K8S_VERSION#v1.}" upstream_mod
  mkdir -p "$dir"
  upstream_mod="$(cd "$dir" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  [[ -f "$upstream_mod" ]] || die "could not download the go.mod of k8s.io/kubernetes@$K8S_VERSION"

  {
    printf 'module roomcast.dev/tools/kubernetes\n\ngo 1.25.0\n\n'
    printf 'require k8s.io/kubernetes %s\n\n' "$K8S_VERSION"
    printf 'tool (\n\tk8s.io/kubernetes/cmd/kube-apiserver\n\tk8s.io/kubernetes/cmd/kubectl\n)\n\n'
    printf 'replace (\n'
    sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$upstream_mod" |
      while read -r module; do printf '\t%s => %s %s\n' "$module" "$module" "$staging_version"; done
    printf ')\n'
  } >"$dir/go.mod"
  (cd "$dir" && timed "resolving k8s.io/kubernetes dependencies" go mod tidy)
}

# Version variables that `kube-apiserver --version`, `kubectl version` and the /version endpoint
# report. Without them the server calls itself v0.0.0-master and Helm's kubeVersion checks fail.
kube_ldflags() {
  local minor="${K8S_VERSION#v1.}" flags="-s -w" pkg
  minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  printf '%s' "$flags"
}

install_kubernetes() {
  if is_current kube-apiserver "$K8S_VERSION" && is_current kubectl "$K8S_VERSION"; then
    log "kube-apiserver and kubectl $K8S_VERSION: cached"
    return
  fi
  log "building kube-apiserver and kubectl $K8S_VERSION (cold: about 10-20 minutes on 2 cores)"
  write_kube_module
  (cd "$SRC_DIR/kubernetes" && timed "building kube-apiserver and kubectl" \
    go build -p "$GO_PARALLEL" -trimpath -ldflags="$(kube_ldflags)" -o "$BIN_DIR/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
  stamp kube-apiserver "$K8S_VERSION"
  stamp kubectl "$K8S_VERSION"
}

# etcd's server module carries `replace` directives, so `go install module@version` refuses it;
# a wrapper module that requires it builds the same main package.
install_etcd() {
  local dir="$SRC_DIR/etcd"
  if is_current etcd "$ETCD_VERSION"; then
    log "etcd $ETCD_VERSION: cached"
    return
  fi
  log "building etcd $ETCD_VERSION (cold: a few minutes)"
  mkdir -p "$dir"
  printf 'module roomcast.dev/tools/etcd\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n\n%s\n' \
    "$ETCD_VERSION" 'tool go.etcd.io/etcd/server/v3' >"$dir/go.mod"
  (cd "$dir" && timed "resolving etcd dependencies" go mod tidy)
  (cd "$dir" && timed "building etcd" go build -p "$GO_PARALLEL" -trimpath -ldflags="-s -w" \
    -o "$BIN_DIR/etcd" go.etcd.io/etcd/server/v3)
  stamp etcd "$ETCD_VERSION"
}

install_helm() {
  if is_current helm "$HELM_VERSION"; then
    log "helm $HELM_VERSION: cached"
    return
  fi
  log "building helm $HELM_VERSION (cold: a few minutes)"
  GOBIN="$BIN_DIR" timed "building helm" go install -p "$GO_PARALLEL" -trimpath \
    -ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
  stamp helm "$HELM_VERSION"
}

report() {
  log "kube-apiserver: $BIN_DIR/kube-apiserver ($("$BIN_DIR/kube-apiserver" --version))"
  log "kubectl:        $BIN_DIR/kubectl ($("$BIN_DIR/kubectl" version --client | head -1))"
  log "etcd:           $BIN_DIR/etcd ($("$BIN_DIR/etcd" --version | head -1))"
  log "helm:           $BIN_DIR/helm ($("$BIN_DIR/helm" version --short))"
}

main() {
  command -v go >/dev/null || die "Go is required to build the control plane binaries"
  mkdir -p "$BIN_DIR"
  install_etcd
  install_helm
  install_kubernetes
  report
  printf '%s\n' "$BIN_DIR"
}

main "$@"
