"""Seeds a real MLflow tracking server with a small, realistic model registry for `make demo`.

    .venv/bin/python scripts/demo/seed_mlflow.py http://127.0.0.1:PORT

Creates four registered models (fraud-detector, churn-predictor, recommender, demand-forecaster), each
with several versions. Every version comes from its own run that logs parameters, metrics, a training
dataset input and the `mlflow.source.git.commit` tag, so ModelGate has run lineage to show. Models and
versions get descriptions and tags, versions get stages (Staging, Production, Archived) and the models
get aliases (champion, challenger, ...).

Progress goes to stderr. stdout gets one JSON document: {"models": {NAME: {"versions": N, "aliases":
{ALIAS: VERSION}}}} so the demo script knows which version is the champion.
"""

import hashlib
import json
import logging
import os
import sys
import warnings

warnings.filterwarnings("ignore")  # stage transitions are deprecated in MLflow 3 but still served
os.environ.setdefault("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")  # stdout is for the JSON summary

from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag  # noqa: E402

logging.getLogger("mlflow").setLevel(logging.WARNING)  # after the import, which configures it

REPO = "https://github.com/example/ml-platform"

# name -> model description, model tags, experiment, dataset, params per version, metrics per version,
#         stage per version, aliases {alias: version number}
MODELS = [
    {
        "name": "fraud-detector",
        "description": "Scores card transactions for fraud in real time (payments API, p99 < 20 ms).",
        "tags": {"team": "risk", "task": "binary-classification", "owner": "alice@example.com"},
        "dataset": "transactions",
        "params": lambda v: {"model_type": "xgboost", "max_depth": str(4 + v), "n_estimators": str(200 * v),
                             "learning_rate": "0.05"},
        "metrics": lambda v: {"auc": 0.90 + 0.012 * v, "precision": 0.81 + 0.01 * v, "recall": 0.72 + 0.015 * v},
        "stages": ["Archived", "Archived", "Production", "Staging", "None"],
        "aliases": {"champion": 3, "challenger": 4},
    },
    {
        "name": "churn-predictor",
        "description": "Monthly churn propensity per subscriber, feeds the retention campaigns.",
        "tags": {"team": "growth", "task": "binary-classification", "owner": "bob@example.com"},
        "dataset": "subscribers",
        "params": lambda v: {"model_type": "lightgbm", "num_leaves": str(16 * v), "feature_set": f"fs-{2024 + v}"},
        "metrics": lambda v: {"auc": 0.78 + 0.02 * v, "f1": 0.55 + 0.03 * v},
        "stages": ["Archived", "Production", "Staging", "None"],
        "aliases": {"champion": 2, "challenger": 3},
    },
    {
        "name": "recommender",
        "description": "Two-tower retrieval model for the home-page carousel.",
        "tags": {"team": "personalization", "task": "retrieval", "owner": "carol@example.com"},
        "dataset": "clickstream",
        "params": lambda v: {"model_type": "two-tower", "embedding_dim": str(64 * v), "epochs": str(5 + v)},
        "metrics": lambda v: {"ndcg_at_10": 0.31 + 0.02 * v, "recall_at_20": 0.42 + 0.03 * v},
        "stages": ["Archived", "Production", "None"],
        "aliases": {"champion": 2, "candidate": 3},
    },
    {
        "name": "demand-forecaster",
        "description": "Daily SKU demand forecast per warehouse, 28-day horizon.",
        "tags": {"team": "supply-chain", "task": "forecasting", "owner": "dave@example.com"},
        "dataset": "orders",
        "params": lambda v: {"model_type": "prophet", "seasonality_mode": "multiplicative", "horizon_days": "28"},
        "metrics": lambda v: {"mape": 0.14 - 0.02 * v, "rmse": 41.0 - 4.5 * v},
        "stages": ["Production", "Staging"],
        "aliases": {"champion": 1},
    },
]


def log(message):
    print(f"seed: {message}", file=sys.stderr, flush=True)


def sha(*parts):
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


def seed(url):
    client = MlflowClient(tracking_uri=url, registry_uri=url)
    summary = {}
    for spec in MODELS:
        name = spec["name"]
        experiment_id = client.create_experiment(f"{name}-training")
        client.create_registered_model(name, tags=spec["tags"], description=spec["description"])
        for index, stage in enumerate(spec["stages"]):
            v = index + 1
            commit = sha(name, v)
            run = client.create_run(
                experiment_id,
                run_name=f"{name}-train-{v}",
                tags={
                    "mlflow.source.git.commit": commit,
                    "mlflow.source.git.repoURL": REPO,
                    "mlflow.source.name": "train.py",
                    "mlflow.user": spec["tags"]["owner"].split("@")[0],
                },
            )
            run_id = run.info.run_id
            now = run.info.start_time
            client.log_batch(
                run_id,
                params=[Param(k, val) for k, val in spec["params"](v).items()],
                metrics=[Metric(k, round(val, 4), now, 0) for k, val in spec["metrics"](v).items()],
                tags=[RunTag("stage", "training")],
            )
            dataset = Dataset(
                name=spec["dataset"],
                digest=sha(spec["dataset"], v)[:10],
                source_type="s3",
                source=json.dumps({"uri": f"s3://ml-data/{spec['dataset']}/snapshot-{v}.parquet"}),
            )
            client.log_inputs(run_id, datasets=[DatasetInput(dataset, tags=[InputTag("mlflow.data.context", "training")])])
            client.set_terminated(run_id, "FINISHED")
            version = client.create_model_version(
                name,
                source=f"s3://ml-models/{name}/v{v}/model",
                run_id=run_id,
                tags={"git_commit": commit[:7], "validated": "true" if stage != "None" else "pending"},
                description=f"{name} v{v}: retrained on {spec['dataset']} snapshot {v}.",
            )
            assert version.version == str(v), (name, version.version, v)
            if stage != "None":
                client.transition_model_version_stage(name, version.version, stage)
        for alias, v in spec["aliases"].items():
            client.set_registered_model_alias(name, alias, str(v))
        summary[name] = {"versions": len(spec["stages"]), "aliases": {a: str(v) for a, v in spec["aliases"].items()}}
        aliases = ", ".join(f"{a}={v}" for a, v in spec["aliases"].items())
        log(f"{name}: {len(spec['stages'])} versions, aliases {aliases}")
    return summary


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} TRACKING_URL", file=sys.stderr)
        sys.exit(64)
    summary = seed(sys.argv[1])
    json.dump({"models": summary}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
