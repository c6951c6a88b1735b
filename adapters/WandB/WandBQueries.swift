// The query texts are copied verbatim (without the provenance comments) from shared/specs/wandb/graphql/*.graphql,
// which hold wandb==0.31.0's generated operations (wandb/sdk/artifacts/_generated/operations.py).

/// The GraphQL documents ModelGate sends, by operation name.
public enum WandBQueries {
    public static let text: [String: String] = [
        "FetchOrgInfoFromEntity": #"""
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

        fragment OrgInfoFragment on Organization {
          name
          orgEntity {
            name
          }
        }
        """#,
        "RegistryCollections": #"""
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

        fragment PageInfoFragment on PageInfo {
          __typename
          endCursor
          hasNextPage
        }

        fragment ProjectInfoFragment on Project {
          id
          internalId
          name
          entity {
            name
          }
        }

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

        fragment TagFragment on Tag {
          __typename
          id
          name
        }
        """#,
        "RegistryVersions": #"""
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

        fragment ArtifactAliasFragment on ArtifactAlias {
          __typename
          id
          alias
        }

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

        fragment CollectionInfoFragment on ArtifactCollection {
          __typename
          name
          project {
            ...ProjectInfoFragment
          }
        }

        fragment PageInfoFragment on PageInfo {
          __typename
          endCursor
          hasNextPage
        }

        fragment ProjectInfoFragment on Project {
          id
          internalId
          name
          entity {
            name
          }
        }

        fragment SourceCollectionInfoFragment on ArtifactSequence {
          __typename
          name
          project {
            ...ProjectInfoFragment
          }
        }

        fragment TagFragment on Tag {
          __typename
          id
          name
        }
        """#,
        "ArtifactMembershipByName": #"""
        query ArtifactMembershipByName($entity: String!, $project: String!, $name: String!, $includeAliases: Boolean = false) {
          project(name: $project, entityName: $entity) {
            artifactCollectionMembership(name: $name) {
              ...ArtifactMembershipFragment
            }
          }
        }

        fragment ArtifactAliasFragment on ArtifactAlias {
          __typename
          id
          alias
        }

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

        fragment CollectionInfoFragment on ArtifactCollection {
          __typename
          name
          project {
            ...ProjectInfoFragment
          }
        }

        fragment ProjectInfoFragment on Project {
          id
          internalId
          name
          entity {
            name
          }
        }

        fragment SourceCollectionInfoFragment on ArtifactSequence {
          __typename
          name
          project {
            ...ProjectInfoFragment
          }
        }

        fragment TagFragment on Tag {
          __typename
          id
          name
        }
        """#,
        "ArtifactCreatedBy": #"""
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

        fragment ProjectInfoFragment on Project {
          id
          internalId
          name
          entity {
            name
          }
        }

        fragment RunInfoFragment on Run {
          __typename
          id
          name
          project {
            ...ProjectInfoFragment
          }
        }
        """#,
        "LinkArtifact": #"""
        mutation LinkArtifact($input: LinkArtifactInput!, $includeAliases: Boolean = true) {
          result: linkArtifact(input: $input) {
            versionIndex
            artifactMembership @include(if: true) {
              ...ArtifactMembershipFragment
            }
          }
        }

        fragment ArtifactAliasFragment on ArtifactAlias {
          __typename
          id
          alias
        }

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

        fragment CollectionInfoFragment on ArtifactCollection {
          __typename
          name
          project {
            ...ProjectInfoFragment
          }
        }

        fragment ProjectInfoFragment on Project {
          id
          internalId
          name
          entity {
            name
          }
        }

        fragment SourceCollectionInfoFragment on ArtifactSequence {
          __typename
          name
          project {
            ...ProjectInfoFragment
          }
        }

        fragment TagFragment on Tag {
          __typename
          id
          name
        }
        """#,
        "AddAliases": #"""
        mutation AddAliases($input: AddAliasesInput!) {
          result: addAliases(input: $input) {
            success
          }
        }
        """#,
        "DeleteAliases": #"""
        mutation DeleteAliases($input: DeleteAliasesInput!) {
          result: deleteAliases(input: $input) {
            success
          }
        }
        """#,
        "UpdateArtifact": #"""
        mutation UpdateArtifact($input: UpdateArtifactInput!, $includeAliases: Boolean = true) {
          result: updateArtifact(input: $input) {
            artifact {
              ...ArtifactFragment
            }
          }
        }

        fragment ArtifactAliasFragment on ArtifactAlias {
          __typename
          id
          alias
        }

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

        fragment CollectionInfoFragment on ArtifactCollection {
          __typename
          name
          project {
            ...ProjectInfoFragment
          }
        }

        fragment ProjectInfoFragment on Project {
          id
          internalId
          name
          entity {
            name
          }
        }

        fragment SourceCollectionInfoFragment on ArtifactSequence {
          __typename
          name
          project {
            ...ProjectInfoFragment
          }
        }

        fragment TagFragment on Tag {
          __typename
          id
          name
        }
        """#,
    ]
}
