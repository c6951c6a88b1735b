"""Fills a SageMaker Model Registry (moto) with many versioned model packages, fast, for the sync benchmark
(`make bench`).

    MODELGATE_TEST_AWS_ACCESS_KEY_ID=… MODELGATE_TEST_AWS_SECRET_ACCESS_KEY=… \
    .venv/bin/python scripts/bench/seed_sagemaker.py URL --groups 20 --packages 2000 [--threads 8]

The keys come from the environment (as `scripts/peers/moto.sh start` exports them), never from the command
line, and are never printed. Every call is signed (moto checks SigV4 after its first three calls).

One task per group, run on a thread pool: `CreateModelPackageGroup` (description, two tags), then its
packages one after another with `CreateModelPackage` (`ModelPackageGroupName`, description, an inference
specification with a serving image and an S3 `ModelDataUrl` — moto stores no artifact without it —,
`ModelApprovalStatus` cycling through Approved, PendingManualApproval and Rejected, `MetadataProperties`
with a training job and a commit, and two `CustomerMetadataProperties`). The server numbers the versions of
a group (moto counts the group's packages), so one group's packages are created sequentially; different
groups go in parallel.

Progress on stderr; stdout gets one JSON line:
{"groups", "packages", "approved", "pending", "rejected", "requests", "retries", "seconds"}.
"""

import argparse
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import boto3
from botocore.config import Config

SERVING_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1"
APPROVALS = ("Approved", "PendingManualApproval", "Rejected")

local = threading.local()
counter_lock = threading.Lock()
counters = {"requests": 0, "retries": 0, "packages": 0}
approvals = {status: 0 for status in APPROVALS}


def count_request(**_):
    with counter_lock:
        counters["requests"] += 1


def client(url, region):
    """One client per thread, counting every HTTP attempt (a retry is a request too)."""
    if not hasattr(local, "client"):
        sm = boto3.session.Session().client(
            "sagemaker", endpoint_url=url, region_name=region,
            aws_access_key_id=os.environ["MODELGATE_TEST_AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=os.environ["MODELGATE_TEST_AWS_SECRET_ACCESS_KEY"],
            config=Config(retries={"mode": "standard", "max_attempts": 6}, max_pool_connections=4))
        sm.meta.events.register("before-send.sagemaker", count_request)
        local.client = sm
    return local.client


def seed_group(url, region, index, count):
    sm = client(url, region)
    group = f"bench-group-{index:03d}"
    team = f"team-{index % 10}"
    sm.create_model_package_group(
        ModelPackageGroupName=group,
        ModelPackageGroupDescription=f"Benchmark group {index} ({count} packages).",
        Tags=[{"Key": "team", "Value": team}, {"Key": "tier", "Value": "gold" if index % 3 == 0 else "silver"}])
    for v in range(1, count + 1):
        status = APPROVALS[(index + v) % len(APPROVALS)]
        arn = sm.create_model_package(
            ModelPackageGroupName=group,
            ModelPackageDescription=f"{group} version {v}",
            InferenceSpecification={
                "Containers": [{"Image": SERVING_IMAGE, "ModelDataUrl": f"s3://bench-models/{group}/v{v}/model.tar.gz"}],
                "SupportedContentTypes": ["application/json"],
                "SupportedResponseMIMETypes": ["application/json"],
            },
            ModelApprovalStatus=status,
            MetadataProperties={
                "GeneratedBy": f"arn:aws:sagemaker:{region}:123456789012:training-job/{group}-train-{v}",
                "CommitId": f"{index:04x}{v:08x}",
                "Repository": "https://git.example.com/bench/models",
            },
            CustomerMetadataProperties={"team": team, "batch": f"b{(index * count + v) % 1000}"},
        )["ModelPackageArn"]
        if not arn.endswith(f"/{v}"):
            raise RuntimeError(f"{group}: expected version {v}, the server created {arn}")
        with counter_lock:
            counters["packages"] += 1
            approvals[status] += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--packages", type=int, default=2000, help="total versioned packages over all groups")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args()
    if args.groups < 1 or args.packages < 0:
        parser.error("--groups must be >= 1 and --packages >= 0")
    for var in ("MODELGATE_TEST_AWS_ACCESS_KEY_ID", "MODELGATE_TEST_AWS_SECRET_ACCESS_KEY"):
        if not os.environ.get(var):
            parser.error(f"{var} is not set (eval \"$(bash scripts/peers/moto.sh start DIR)\")")

    per_group = [args.packages // args.groups + (1 if i < args.packages % args.groups else 0) for i in range(args.groups)]
    started = time.monotonic()
    done_groups = 0
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        futures = [pool.submit(seed_group, args.url, args.region, i, n) for i, n in enumerate(per_group)]
        last_report = started
        for future in as_completed(futures):
            future.result()  # raises the first failure
            done_groups += 1
            now = time.monotonic()
            if now - last_report >= 5 or done_groups == args.groups:
                last_report = now
                rate = counters["packages"] / max(now - started, 1e-9)
                print(f"seed: {done_groups}/{args.groups} groups, {counters['packages']}/{args.packages} packages "
                      f"({rate:.0f} packages/s)", file=sys.stderr, flush=True)
    seconds = time.monotonic() - started
    expected = sum(per_group) + args.groups
    print(json.dumps({"groups": args.groups, "packages": counters["packages"],
                      "approved": approvals["Approved"], "pending": approvals["PendingManualApproval"],
                      "rejected": approvals["Rejected"], "requests": counters["requests"],
                      "retries": counters["requests"] - expected, "seconds": round(seconds, 2)}))


if __name__ == "__main__":
    main()
