import ModelGateSimulators

/// The sample keys of the simulator kit (throwaway key material), under the names these tests use.
enum TestKeys {
    static let serviceAccountKey = SampleKeys.serviceAccountKey
    static let serviceAccountPublicKey = SampleKeys.serviceAccountPublicKey
    static let appPrivateKey = SampleKeys.appPrivateKey
    static let appCertificate = SampleKeys.appCertificate
    static let otherPrivateKey = SampleKeys.otherPrivateKey
    static let otherCertificate = SampleKeys.otherCertificate
    static let appX5tS256 = SampleKeys.appX5tS256
}
