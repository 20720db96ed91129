"""The deployment files, checked without a cluster or a Docker engine: every Kubernetes
manifest against the Kubernetes schemas, docker-compose.yml against the Compose
specification, and what ties them to the code (names, ports, probes, timeouts, Redis's
settings, the dashboard's metrics) against the code itself."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from services.core.settings import Settings
from services.store import queues

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
KEDA_SCHEMA = Path(__file__).parent / "fixtures" / "keda-scaledobject.schema.json"
K8S_VERSION = "1.30.0"
"""The oldest Kubernetes the manifests must work on."""


def manifests() -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted(K8S.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            found[path.name] = yaml.safe_load(path.read_text())
    return found


def kustomization() -> dict[str, Any]:
    return dict(yaml.safe_load((K8S / "kustomization.yaml").read_text()))


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {m["metadata"]["name"]: m for m in manifests().values() if m["kind"] == kind}


@pytest.mark.parametrize("name", sorted(manifests()))
def test_every_manifest_is_valid(name: str) -> None:
    manifest = manifests()[name]
    if manifest["kind"] == "ScaledObject":
        jsonschema.validate(manifest, json.loads(KEDA_SCHEMA.read_text()))
    else:
        kubernetes_validate.validate(manifest, K8S_VERSION, strict=True)


def test_the_validators_catch_mistakes() -> None:
    deployment = copy.deepcopy(by_kind("Deployment")["comments-api"])
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessprobe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)
    scaled = copy.deepcopy(by_kind("ScaledObject")["comments-worker"])
    del scaled["spec"]["triggers"][0]["metadata"]["listName"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(scaled, json.loads(KEDA_SCHEMA.read_text()))


def test_kustomization_applies_every_manifest_but_the_secret_example() -> None:
    listed = set(kustomization()["resources"])
    assert listed == set(manifests()) - {"secret.example.yaml"}
    images = {i["name"] for i in kustomization()["images"]}
    for workload in [*by_kind("Deployment").values(), *by_kind("StatefulSet").values()]:
        for container in workload["spec"]["template"]["spec"]["containers"]:
            assert container["image"] in images or container["image"].startswith("valkey/")


def test_selectors_targets_and_references_meet() -> None:
    workloads = {**by_kind("Deployment"), **by_kind("StatefulSet")}
    labels = {name: w["spec"]["template"]["metadata"]["labels"] for name, w in workloads.items()}
    for name, workload in workloads.items():
        assert workload["spec"]["selector"]["matchLabels"].items() <= labels[name].items()
    for kind in ("Service", "PodDisruptionBudget"):
        for name, item in by_kind(kind).items():
            selector = item["spec"]["selector"]
            selector = selector.get("matchLabels", selector)
            assert any(selector.items() <= pod.items() for pod in labels.values()), name
    for hpa in by_kind("HorizontalPodAutoscaler").values():
        assert hpa["spec"]["scaleTargetRef"]["name"] in by_kind("Deployment")
    secret = by_kind("Secret")["comments-secrets"]
    settings_map = by_kind("ConfigMap")["comments-settings"]
    for workload in by_kind("Deployment").values():
        for container in workload["spec"]["template"]["spec"]["containers"]:
            refs = {next(iter(r.values()))["name"] for r in container["envFrom"]}
            assert refs == {"comments-settings", "comments-secrets"}
    # What the pods get parses as settings.
    settings = Settings.from_env({**settings_map["data"], **secret["stringData"]})
    assert settings.metrics_port == 9100 and settings.port == 8000


def test_probes_ports_and_grace_periods_fit_the_processes() -> None:
    from services.api.app import create_app

    app = create_app(Settings(secret=b"x", redis_url="redis://localhost:1/0"))
    routes = {r.resource.canonical for r in app.router.routes() if r.resource is not None}
    api = by_kind("Deployment")["comments-api"]["spec"]["template"]["spec"]
    container = api["containers"][0]
    assert {container["readinessProbe"]["httpGet"]["path"],
            container["livenessProbe"]["httpGet"]["path"]} <= routes  # fmt: skip
    # The API's shutdown (streams end, in-flight requests get 10 s) plus the preStop pause.
    from services.api.main import SHUTDOWN_TIMEOUT

    assert api["terminationGracePeriodSeconds"] > SHUTDOWN_TIMEOUT + 5
    worker = by_kind("Deployment")["comments-worker"]["spec"]["template"]["spec"]
    assert worker["terminationGracePeriodSeconds"] > Settings(secret=b"x").job_timeout + 15
    metrics_port = int(by_kind("ConfigMap")["comments-settings"]["data"]["COMMENTS_METRICS_PORT"])
    for name in ("comments-worker", "comments-webhooks"):
        pod = by_kind("Deployment")[name]["spec"]["template"]
        assert pod["spec"]["containers"][0]["ports"][0]["containerPort"] == metrics_port
        assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(metrics_port)


def test_workers_scale_on_the_moderation_queue() -> None:
    from rq import Queue

    scaled = by_kind("ScaledObject")["comments-worker"]["spec"]
    assert scaled["scaleTargetRef"]["name"] in by_kind("Deployment")
    trigger = scaled["triggers"][0]["metadata"]
    assert trigger["listName"] == Queue.redis_queue_namespace_prefix + queues.MODERATION
    assert trigger["address"].split(":")[0] in by_kind("Service")


def test_redis_runs_with_the_settings_of_deploy_redis_conf() -> None:
    conf = {}
    for line in (ROOT / "deploy" / "redis.conf").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition(" ")
            conf[name] = value.strip().strip('"')
    args = by_kind("StatefulSet")["comments-redis"]["spec"]["template"]["spec"]["containers"][0][
        "args"
    ]
    given = dict(zip(args[1::2], args[2::2], strict=True))
    assert {k.removeprefix("--"): v for k, v in given.items() if k != "--dir"} == conf


def test_compose_file_follows_the_compose_specification() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source
    assert compose["services"]["api"]["deploy"]["replicas"] == 2
    assert "ports" not in compose["services"]["api"]  # reached through the proxy only
    grace = int(compose["services"]["worker"]["stop_grace_period"].removesuffix("s"))
    assert grace > Settings(secret=b"x").job_timeout


def test_the_dashboard_uses_only_metrics_the_service_exports() -> None:
    import prometheus_client

    import services.api.http_metrics
    import services.store.shared_metrics
    import services.worker.job_metrics  # noqa: F401 (registers the workers' metrics)

    exported = {
        sample_name
        for collector in prometheus_client.REGISTRY._collector_to_names  # noqa: SLF001
        for sample_name in prometheus_client.REGISTRY._collector_to_names[collector]  # noqa: SLF001
    }
    dashboard = json.loads(
        (ROOT / "deploy" / "grafana" / "dashboards" / "comments.json").read_text()
    )
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bcomments_[a-z_]+", target["expr"])
    }
    assert used and used <= exported, used - exported
    prometheus = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    ports = {c["job_name"]: c["dns_sd_configs"][0]["port"] for c in prometheus["scrape_configs"]}
    assert ports == {"comments-api": 8000, "comments-worker": 9100}
