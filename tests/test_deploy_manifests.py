"""deploy/kubernetes.yaml is valid Kubernetes: every resource checked against the API schemas
that kubernetes-validate ships (offline), strictly, so a misspelt field fails instead of being
silently ignored by the cluster."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

MANIFEST = Path(__file__).resolve().parent.parent / "deploy" / "kubernetes.yaml"
RESOURCES = [doc for doc in yaml.safe_load_all(MANIFEST.read_text()) if doc]


@pytest.mark.parametrize(
    "resource", RESOURCES, ids=lambda r: f"{r['kind']}/{r['metadata']['name']}"
)
def test_resource_matches_the_kubernetes_schema(resource):
    kubernetes_validate.validate(resource, kubernetes_validate.latest_version(), strict=True)


def test_the_manifest_has_the_deployment_service_and_ingress():
    assert [r["kind"] for r in RESOURCES] == ["Deployment", "Service", "Ingress"]


def test_the_probes_and_the_service_reach_streamlit_on_its_port():
    deployment, service, ingress = RESOURCES
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    port = container["ports"][0]["containerPort"]
    assert port == 8501  # the Dockerfile's EXPOSE and CMD
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/_stcore/health", "port": port}
    assert service["spec"]["ports"][0]["targetPort"] == port
    assert service["spec"]["selector"] == deployment["spec"]["template"]["metadata"]["labels"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {
        "name": "derivatives",
        "port": {"number": service["spec"]["ports"][0]["port"]},
    }
    # A student's session lives in one pod: the ingress pins browsers by cookie.
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"
