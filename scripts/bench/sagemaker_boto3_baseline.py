"""The boto3 baseline of the SageMaker sync benchmark (`make bench`): what a script using the official AWS
SDK has to do to read the same model packages a `modelgate sync --full` reads.

    MODELGATE_TEST_AWS_ACCESS_KEY_ID=… MODELGATE_TEST_AWS_SECRET_ACCESS_KEY=… \
    .venv/bin/python scripts/bench/sagemaker_boto3_baseline.py URL [--max-results 100]

1. `list_model_package_groups(MaxResults=N, NextToken=…)` until there is no next token: every group;
2. per group, `list_model_packages(ModelPackageGroupName=…, ModelPackageType="Versioned", MaxResults=N,
   NextToken=…)` until there is no next token;
3. `describe_model_package(ModelPackageName=<ARN>)` for every package (the summaries lack the artifact,
   metadata and lineage).

One call after another on one client, as a plain script would do it. Nothing is stored: this is the lower
bound of a Python sync (no catalog, no change detection, no group tags). The keys come from the environment
and are never printed. The timer starts after `import boto3` and the client construction (the first call
pays for loading the service model), so interpreter and import time are not counted against boto3. Every
HTTP attempt is counted (a retry is a request too). stdout gets one JSON line:
{"groups", "packages", "approved", "pending", "rejected", "artifacts", "requests", "seconds"};
"seconds" is the listing time only.
"""

import argparse
import json
import os
import sys
import time

import boto3
from botocore.config import Config


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--max-results", type=int, default=100,
                        help="MaxResults of both listings (the API's maximum and modelgate's default, 100)")
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args()
    for var in ("MODELGATE_TEST_AWS_ACCESS_KEY_ID", "MODELGATE_TEST_AWS_SECRET_ACCESS_KEY"):
        if not os.environ.get(var):
            parser.error(f"{var} is not set (eval \"$(bash scripts/peers/moto.sh start DIR)\")")
    sm = boto3.session.Session().client(
        "sagemaker", endpoint_url=args.url, region_name=args.region,
        aws_access_key_id=os.environ["MODELGATE_TEST_AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["MODELGATE_TEST_AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"mode": "standard", "max_attempts": 6}))
    requests = 0

    def count(**_):
        nonlocal requests
        requests += 1

    sm.meta.events.register("before-send.sagemaker", count)

    started = time.perf_counter()
    groups = []
    token = None
    while True:
        page = sm.list_model_package_groups(MaxResults=args.max_results, **({"NextToken": token} if token else {}))
        groups += [g["ModelPackageGroupName"] for g in page["ModelPackageGroupSummaryList"]]
        token = page.get("NextToken")
        if not token:
            break
    packages = []
    for group in groups:
        token = None
        while True:
            page = sm.list_model_packages(ModelPackageGroupName=group, ModelPackageType="Versioned",
                                          MaxResults=args.max_results, **({"NextToken": token} if token else {}))
            packages += [p["ModelPackageArn"] for p in page["ModelPackageSummaryList"]]
            token = page.get("NextToken")
            if not token:
                break
    statuses = {}
    artifacts = 0
    for arn in packages:
        described = sm.describe_model_package(ModelPackageName=arn)
        status = described.get("ModelApprovalStatus", "none")
        statuses[status] = statuses.get(status, 0) + 1
        containers = described.get("InferenceSpecification", {}).get("Containers", [])
        artifacts += 1 if containers and containers[0].get("ModelDataUrl") else 0
    seconds = time.perf_counter() - started

    print(json.dumps({"groups": len(groups), "packages": len(packages), "distinct": len(set(packages)),
                      "approved": statuses.get("Approved", 0), "pending": statuses.get("PendingManualApproval", 0),
                      "rejected": statuses.get("Rejected", 0), "artifacts": artifacts,
                      "requests": requests, "seconds": round(seconds, 3)}))
    print(f"baseline: {len(groups)} groups, {len(packages)} packages, {requests} requests in {seconds:.2f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
