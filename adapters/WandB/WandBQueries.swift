// The query texts are copied verbatim (without the provenance comments) from shared/specs/wandb/graphql/*.graphql,
// which hold wandb==0.31.0's generated operations (wandb/sdk/artifacts/_generated/operations.py). Each
// document there is its operation followed by the fragments it uses, in name order; the fragments are the
// same in every document, so they are written once here and appended the same way.

/// The GraphQL documents ModelGate sends, by operation name.
public enum WandBQueries {
    /// Every document: the operation, then its fragments (blank-line separated), as the spec files hold it.
    public static let text: [String: String] = Dictionary(
        uniqueKeysWithValues: operations.map { name, operation, fragmentNames in
            (name, ([operation] + fragmentNames.map { fragments[$0] ?? "" }).joined(separator: "\n\n"))
        })

    /// Operation name, operation text, and the fragments it uses.
    static let operations: [(String, String, [String])] = [
        (
            "FetchOrgInfoFromEntity",
            #"""
            query FetchOrgInfoFromEntity($entity: String!) {
              entity(name: $entity) {
                organization {
                  ...OrgInfoFragment
                }
                user {
                  organizations {
                    ...OrgInfoFragment
                  }
                }
              }
            }
            """#,
            ["OrgInfoFragment"]
        ),
        (
            "RegistryCollections",
            #"""
            query RegistryCollections($organization: String!, $registryFilter: JSONString, $collectionFilter: JSONString, $collectionTypes: [ArtifactCollectionType!] = [PORTFOLIO], $cursor: String, $perPage: Int, $order: String) {
              organization(name: $organization) {
                orgEntity {
                  name
                  artifactCollections(
                    projectFilters: $registryFilter
                    filters: $collectionFilter
                    collectionTypes: $collectionTypes
                    after: $cursor
                    first: $perPage
                    order: $order
                  ) {
                    totalCount
                    pageInfo {
                      ...PageInfoFragment
                    }
                    edges {
                      node {
                        __typename
                        ...RegistryCollectionFragment
                      }
                    }
                  }
                }
              }
            }
            """#,
            ["PageInfoFragment", "ProjectInfoFragment", "RegistryCollectionFragment", "TagFragment"]
        ),
        (
            "RegistryVersions",
            #"""
            query RegistryVersions($organization: String!, $registryFilter: JSONString, $collectionFilter: JSONString, $artifactFilter: JSONString, $cursor: String, $perPage: Int, $order: String, $includeAliases: Boolean = false) {
              organization(name: $organization) {
                orgEntity {
                  name
                  artifactMemberships(
                    projectFilters: $registryFilter
                    collectionFilters: $collectionFilter
                    filters: $artifactFilter
                    after: $cursor
                    first: $perPage
                    order: $order
                  ) {
                    pageInfo {
                      ...PageInfoFragment
                    }
                    edges {
                      node {
                        ...ArtifactMembershipFragment
                      }
                    }
                  }
                }
              }
            }
            """#,
            ["ArtifactAliasFragment", "ArtifactFragment", "ArtifactMembershipFragment", "CollectionInfoFragment", "PageInfoFragment", "ProjectInfoFragment", "SourceCollectionInfoFragment", "TagFragment"]
        ),
        (
            "ArtifactMembershipByName",
            #"""
            query ArtifactMembershipByName($entity: String!, $project: String!, $name: String!, $includeAliases: Boolean = false) {
              project(name: $project, entityName: $entity) {
                artifactCollectionMembership(name: $name) {
                  ...ArtifactMembershipFragment
                }
              }
            }
            """#,
            ["ArtifactAliasFragment", "ArtifactFragment", "ArtifactMembershipFragment", "CollectionInfoFragment", "ProjectInfoFragment", "SourceCollectionInfoFragment", "TagFragment"]
        ),
        (
            "ArtifactCreatedBy",
            #"""
            query ArtifactCreatedBy($id: ID!) {
              artifact(id: $id) {
                createdBy {
                  __typename
                  ... on Run {
                    ...RunInfoFragment
                  }
                }
              }
            }
            """#,
            ["ProjectInfoFragment", "RunInfoFragment"]
        ),
        (
            "LinkArtifact",
            #"""
            mutation LinkArtifact($input: LinkArtifactInput!, $includeAliases: Boolean = true) {
              result: linkArtifact(input: $input) {
                versionIndex
                artifactMembership @include(if: true) {
                  ...ArtifactMembershipFragment
                }
              }
            }
            """#,
            ["ArtifactAliasFragment", "ArtifactFragment", "ArtifactMembershipFragment", "CollectionInfoFragment", "ProjectInfoFragment", "SourceCollectionInfoFragment", "TagFragment"]
        ),
        (
            "AddAliases",
            #"""
            mutation AddAliases($input: AddAliasesInput!) {
              result: addAliases(input: $input) {
                success
              }
            }
            """#,
            []
        ),
        (
            "DeleteAliases",
            #"""
            mutation DeleteAliases($input: DeleteAliasesInput!) {
              result: deleteAliases(input: $input) {
                success
              }
            }
            """#,
            []
        ),
        (
            "UpdateArtifact",
            #"""
            mutation UpdateArtifact($input: UpdateArtifactInput!, $includeAliases: Boolean = true) {
              result: updateArtifact(input: $input) {
                artifact {
                  ...ArtifactFragment
                }
              }
            }
            """#,
            ["ArtifactAliasFragment", "ArtifactFragment", "CollectionInfoFragment", "ProjectInfoFragment", "SourceCollectionInfoFragment", "TagFragment"]
        ),
    ]

    /// The fragments, each once.
    static let fragments: [String: String] = [
        "ArtifactAliasFragment": #"""
        fragment ArtifactAliasFragment on ArtifactAlias {
          __typename
          id
          alias
        }
        """#,
        "ArtifactFragment": #"""
        fragment ArtifactFragment on Artifact {
          __typename
          id
          artifactSequence {
            ...SourceCollectionInfoFragment
          }
          versionIndex
          artifactType {
            name
          }
          description
          metadata
          ttlDurationSeconds
          ttlIsInherited
          tags {
            ...TagFragment
          }
          historyStep
          state
          size
          digest
          digestAlgorithm @include(if: true)
          commitHash
          fileCount
          createdAt
          updatedAt
          aliases @include(if: $includeAliases) {
            artifactCollection {
              ...CollectionInfoFragment
            }
            ...ArtifactAliasFragment
          }
        }
        """#,
        "ArtifactMembershipFragment": #"""
        fragment ArtifactMembershipFragment on ArtifactCollectionMembership {
          __typename
          id
          versionIndex
          createdAt
          aliases {
            ...ArtifactAliasFragment
          }
          artifactCollection {
            ...CollectionInfoFragment
          }
          artifact {
            ...ArtifactFragment
          }
        }
        """#,
        "CollectionInfoFragment": #"""
        fragment CollectionInfoFragment on ArtifactCollection {
          __typename
          name
          project {
            ...ProjectInfoFragment
          }
        }
        """#,
        "OrgInfoFragment": #"""
        fragment OrgInfoFragment on Organization {
          name
          orgEntity {
            name
          }
        }
        """#,
        "PageInfoFragment": #"""
        fragment PageInfoFragment on PageInfo {
          __typename
          endCursor
          hasNextPage
        }
        """#,
        "ProjectInfoFragment": #"""
        fragment ProjectInfoFragment on Project {
          id
          internalId
          name
          entity {
            name
          }
        }
        """#,
        "RegistryCollectionFragment": #"""
        fragment RegistryCollectionFragment on ArtifactCollection {
          __typename
          id
          name
          description
          createdAt
          updatedAt
          project {
            ...ProjectInfoFragment
          }
          type: defaultArtifactType {
            name
          }
          tags {
            edges {
              node {
                ...TagFragment
              }
            }
          }
        }
        """#,
        "RunInfoFragment": #"""
        fragment RunInfoFragment on Run {
          __typename
          id
          name
          project {
            ...ProjectInfoFragment
          }
        }
        """#,
        "SourceCollectionInfoFragment": #"""
        fragment SourceCollectionInfoFragment on ArtifactSequence {
          __typename
          name
          project {
            ...ProjectInfoFragment
          }
        }
        """#,
        "TagFragment": #"""
        fragment TagFragment on Tag {
          __typename
          id
          name
        }
        """#,
    ]
}
