import AzureMLAdapter
import Foundation
import ModelGateCore
import Testing

/// The azureml column of DESIGN §2 on raw ARM resources.
struct AzureMLMappingTests {
    @Test func stageAnyCaseAndIsArchivedMapToLifecycle() {
        #expect(AzureMLMapping.lifecycle(stage: "production", isArchived: false) == .production)
        #expect(AzureMLMapping.lifecycle(stage: "STAGING", isArchived: false) == .staging)
        #expect(AzureMLMapping.lifecycle(stage: "Archived", isArchived: false) == .archived)
        #expect(AzureMLMapping.lifecycle(stage: "Development", isArchived: false) == .none)
        #expect(AzureMLMapping.lifecycle(stage: nil, isArchived: true) == .archived)
        #expect(AzureMLMapping.lifecycle(stage: "Production", isArchived: true) == .archived)
    }
}
