/// Answers of a real MLflow 3.17.2 server, copied from `shared/specs/notes/mlflow-3.17.2-curl-transcript.md`
/// (the run's `inputs` and git tag were recorded from the same server version with `runs/log-inputs`).
enum MLflowFixtures {
    static let runID = "d1bdbab41a8343fcae4b53fc06174a53"
    static let nextPageToken = "eyJvZmZzZXQiOiAyfQ=="

    /// `GET registered-models/search?filter=name LIKE 'gw%'…` (3.17.2 includes aliases here too).
    static let gwModelSearch = #"""
        {"registered_models": [{"name": "gw-model", "creation_timestamp": 1795707079937,
          "last_updated_timestamp": 1795707105523, "description": "gateway test model",
          "latest_versions": [
            {"name": "gw-model", "version": "2", "creation_timestamp": 1795707086109, "last_updated_timestamp": 1795707086109,
             "current_stage": "None", "description": "", "source": "runs:/d1bdbab41a8343fcae4b53fc06174a53/model",
             "run_id": "d1bdbab41a8343fcae4b53fc06174a53", "status": "READY", "run_link": ""}],
          "tags": [{"key": "team", "value": "ml"}, {"key": "owner", "value": "gw"}],
          "aliases": [{"alias": "champion", "version": "2"}]}]}
        """#

    /// `GET registered-models/get?name=gw-model` after the stage transition.
    static let gwModelGet = #"""
        {
          "registered_model": {
            "name": "gw-model",
            "creation_timestamp": 1795707079937,
            "last_updated_timestamp": 1795707105523,
            "description": "gateway test model",
            "latest_versions": [
              {"name": "gw-model", "version": "2", "creation_timestamp": 1795707086109,
               "last_updated_timestamp": 1795707086109, "current_stage": "None", "description": "",
               "source": "runs:/d1bdbab41a8343fcae4b53fc06174a53/model", "run_id": "d1bdbab41a8343fcae4b53fc06174a53",
               "status": "READY", "run_link": ""},
              {"name": "gw-model", "version": "3", "creation_timestamp": 1795707087636,
               "last_updated_timestamp": 1795707105523, "current_stage": "Staging", "description": "v3 from s3",
               "source": "s3://bucket/path/model", "run_id": "", "status": "READY", "run_link": ""}
            ],
            "tags": [{"key": "team", "value": "ml"}, {"key": "owner", "value": "gw"}],
            "aliases": [{"alias": "champion", "version": "2"}]
          }
        }
        """#

    static let gwVersion3 = #"""
        {"name": "gw-model", "version": "3", "creation_timestamp": 1795707087636, "last_updated_timestamp": 1795707105523,
         "current_stage": "Staging", "description": "v3 from s3", "source": "s3://bucket/path/model", "run_id": "",
         "status": "READY", "run_link": ""}
        """#

    static let gwVersion1 = #"""
        {"name": "gw-model", "version": "1", "creation_timestamp": 1795707081733, "last_updated_timestamp": 1795707104451,
         "current_stage": "None", "description": "v1 updated",
         "source": "/srv/mlflow/artifacts/1/d1bdbab41a8343fcae4b53fc06174a53/artifacts/model",
         "run_id": "d1bdbab41a8343fcae4b53fc06174a53", "status": "READY",
         "tags": [{"key": "framework", "value": "sklearn"}, {"key": "validated", "value": "true"}],
         "run_link": "http://example.invalid/run/1"}
        """#

    static let gwVersion2 = #"""
        {"name": "gw-model", "version": "2", "creation_timestamp": 1795707086109, "last_updated_timestamp": 1795707086109,
         "current_stage": "None", "description": "", "source": "runs:/d1bdbab41a8343fcae4b53fc06174a53/model",
         "run_id": "d1bdbab41a8343fcae4b53fc06174a53", "status": "READY", "run_link": ""}
        """#

    /// `GET model-versions/search?filter=name='gw-model'&…&max_results=2`, page 1.
    static let gwVersionsPage1 = #"{"model_versions": [\#(gwVersion3), \#(gwVersion1)], "next_page_token": "eyJvZmZzZXQiOiAyfQ=="}"#
    /// Page 2 of the same search.
    static let gwVersionsPage2 = #"{"model_versions": [\#(gwVersion2)]}"#
    /// Page 2 after a new version shifted the offsets: version 1 comes again.
    static let gwVersionsShiftedPage2 = #"{"model_versions": [\#(gwVersion1), \#(gwVersion2)]}"#

    /// `GET model-versions/get?name=gw-model&version=2` after `champion` was set.
    static let gwVersion2Get = #"""
        {"model_version": {"name": "gw-model", "version": "2", "creation_timestamp": 1795707086109,
          "last_updated_timestamp": 1795707086109, "current_stage": "None", "description": "",
          "source": "runs:/d1bdbab41a8343fcae4b53fc06174a53/model", "run_id": "d1bdbab41a8343fcae4b53fc06174a53",
          "status": "READY", "run_link": "", "aliases": ["champion"]}}
        """#

    /// `GET runs/get?run_id=d1bd…`, with a git commit tag and a dataset input.
    static let runGet = #"""
        {
          "run": {
            "info": {
              "run_uuid": "d1bdbab41a8343fcae4b53fc06174a53", "experiment_id": "1", "run_name": "train-1", "user_id": "",
              "status": "RUNNING", "start_time": 1764170000000,
              "artifact_uri": "/srv/mlflow/artifacts/1/d1bdbab41a8343fcae4b53fc06174a53/artifacts",
              "lifecycle_stage": "active", "run_id": "d1bdbab41a8343fcae4b53fc06174a53"
            },
            "data": {
              "metrics": [
                {"key": "accuracy", "value": 0.93, "timestamp": 1764170001000, "step": 0},
                {"key": "f1", "value": 0.88, "timestamp": 1764170002000, "step": 1}
              ],
              "tags": [
                {"key": "mlflow.user", "value": "gw"},
                {"key": "mlflow.runName", "value": "train-1"},
                {"key": "mlflow.source.git.commit", "value": "abc123def456"}
              ]
            },
            "inputs": {
              "dataset_inputs": [
                {"tags": [{"key": "mlflow.data.context", "value": "training"}],
                 "dataset": {"name": "iris", "digest": "d41d8cd9", "source_type": "local",
                             "source": "{\"uri\":\"/data/iris.csv\"}"}}
              ]
            },
            "outputs": {}
          }
        }
        """#

    /// `GET registered-models/search` with only `m2` (no description, no tags: the keys are absent).
    static let m2Search = #"""
        {"registered_models": [{"name": "m2", "creation_timestamp": 1795707133865, "last_updated_timestamp": 1795707134510,
          "latest_versions": [{"name": "m2", "version": "4", "creation_timestamp": 1795707134510,
            "last_updated_timestamp": 1795707134510, "current_stage": "None", "description": "", "source": "s3://b/m2",
            "run_id": "", "status": "READY", "run_link": ""}]}]}
        """#

    static let m2Get = #"""
        {"registered_model": {"name": "m2", "creation_timestamp": 1795707133865, "last_updated_timestamp": 1795707134510}}
        """#

    /// Versions 1, 2 and 4 of `m2` (3 was deleted), the last one made from a logged model of the shared run.
    static let m2Versions = #"""
        {"model_versions": [
          {"name": "m2", "version": "1", "creation_timestamp": 1795707133985, "last_updated_timestamp": 1795707133985,
           "current_stage": "None", "description": "", "source": "s3://b/m2", "run_id": "", "status": "READY", "run_link": ""},
          {"name": "m2", "version": "2", "creation_timestamp": 1795707134146, "last_updated_timestamp": 1795707134146,
           "current_stage": "None", "description": "", "source": "s3://b/m2", "run_id": "", "status": "READY", "run_link": ""},
          {"name": "m2", "version": "5", "creation_timestamp": 1795707247918, "last_updated_timestamp": 1795707247918,
           "current_stage": "None", "description": "", "source": "models:/m-be6a61379e1b409eba7b9e141c699910",
           "run_id": "d1bdbab41a8343fcae4b53fc06174a53", "status": "READY", "run_link": ""}
        ]}
        """#

    /// `POST model-versions/create` → version 1 with tags and a run link.
    static let createdVersion1 = #"""
        {"model_version": {"name": "gw-model", "version": "1", "creation_timestamp": 1795707081733,
          "last_updated_timestamp": 1795707081733, "current_stage": "None", "description": "v1 desc",
          "source": "/srv/mlflow/artifacts/1/d1bdbab41a8343fcae4b53fc06174a53/artifacts/model",
          "run_id": "d1bdbab41a8343fcae4b53fc06174a53", "status": "READY",
          "tags": [{"key": "framework", "value": "sklearn"}], "run_link": "http://example.invalid/run/1"}}
        """#

    /// `POST registered-models/create` with description and tags.
    static let createdModel = #"""
        {"registered_model": {"name": "gw-model", "creation_timestamp": 1795707079937,
          "last_updated_timestamp": 1795707079937, "description": "gateway test model",
          "tags": [{"key": "team", "value": "ml"}]}}
        """#

    static let transitioned = #"""
        {"model_version": {"name": "gw-model", "version": "3", "creation_timestamp": 1795707087636,
          "last_updated_timestamp": 1795707105523, "current_stage": "Staging", "description": "v3 from s3",
          "source": "s3://bucket/path/model", "run_id": "", "status": "READY", "run_link": ""}}
        """#

    // Error answers.
    static let alreadyExists = #"""
        {"error_code": "RESOURCE_ALREADY_EXISTS", "message": "Registered Model (name=gw-model) already exists.", "sqlstate": "KAM00", "error_class": "RESOURCE_ALREADY_EXISTS"}
        """#
    static let versionNotFound = #"""
        {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Model Version (name=gw-model, version=99) not found", "sqlstate": "KAM00", "error_class": "RESOURCE_NOT_FOUND"}
        """#
    static let modelNotFound = #"""
        {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Registered Model with name=gw-model-2 not found", "sqlstate": "KAM00", "error_class": "RESOURCE_NOT_FOUND"}
        """#
    static let runNotFound = #"""
        {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run with id=d1bdbab41a8343fcae4b53fc06174a53 not found", "sqlstate": "KAM00", "error_class": "RESOURCE_NOT_FOUND"}
        """#
    static let reservedAlias = #"""
        {"error_code": "INVALID_PARAMETER_VALUE", "message": "Version alias name 'v3' is reserved.", "sqlstate": "KAM00", "error_class": "INVALID_PARAMETER_VALUE"}
        """#
    static let notAuthenticated =
        "You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate."
}
