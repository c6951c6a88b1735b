import Foundation

/// Test-only RSA key and certificate of the Entra ID application (copied from ModelGateCredentialsTests).
enum TestKeys {
    static let appPrivateKey = """
        -----BEGIN PRIVATE KEY-----
        MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDEcNrY2cQFX9IG
        orH7dGQSb2u9mBc1GSQaLIVwaBrNj2l4prsQt5SlVrB4nyGKsBt3kvXV7auq4Tg3
        ie/rBhXUA6xvuhYXlrne6ismoZ5UkJdU5Y23xSEEp98H2qMDazKojTbxIMJlMwAH
        J5p4wHJRxKkLx1GGy8+Ojch3uuAvF/Mgfc7s1+lwGa/bp8eWzz4SObBXoBWGahmG
        wZet3NWBuFNOJNC2G7hlikcLGsy8o4IjFi3nN13LC+12fnKylvdHm66hftCWO/XK
        1vnHtx+wOuoeIc8Yy8fMzuNSicwiDX6AZMcJmmz23xMtkJbLyjo3xCnWTU+UViXo
        qEVrOp7TAgMBAAECggEAVY/4asKzZEnfv78muelw2yzH521zElAwjuv8dUELB6Uj
        IgexbC8iIkAXnnplkDRzyknrJTKf9s6hf2Nn6l0crdupxIJvs/eVXxhtEicMQTY3
        jCVubHCDGLWL6i5bmZYcGxljKHUF5zFnHjasTFM6mA4KOZSoGIf2kFeGTUxK8IeA
        +dafwntik8TH1AmaBqbBGtBRAOpE2lBHfMvF58UCRDc0LrLcfSIGfc4X5fdOFvhD
        sDQAmLvVzVTSkxWC3dkfRpDNd60NrQ1Zw4oY9YbGWJWxEKD60rFSGqKe8nF1+yKJ
        M3AJ23T1OrkLAz72TYJgkdbvLtUr7SD30ZJ6h+sLhQKBgQDp6MykToD3ojemQnpL
        gUdvIW+t6lX2IQCZJzUaRODlxxylcXrRTvyr9G/on5RCmMHrsDIhnyOdO341Yi4l
        oTjUxDOyJigNQZRR6N4CspVt1Sx/UseAzL0R9B9jMspG2KTeKTYGyWGOVx3CMBPR
        JvrqQtflMcVDLxbPhei7e6peRQKBgQDW/i7XMikAD+vOsn7Py4Af9m5GqdS8fF1o
        4o/eexiW3bpFN9aXDdkKzVpePXjqoDrwuOz//jrJIyVG5vvDaaQl4RByrXUJSkmV
        f7Eihw+NqDTl6kCIJ0u3ydY3F2ZNQw37esCqGFn5TXl5mGc66nkC36aEqxfKumRR
        asIxRMvGNwKBgC/4Df+kGc6u9bqi53GUkZG4ya5g4EAZhIXkBH/eoEB/FODY5NcH
        28ln14tdLop5yUsMVzuN5z/Xc4p/F/efmIgJtJBUQuJ1EHW7y8vB0+MyVG3IDCHd
        2uhTqBwvzku5IhZtXScHJXqLYw7vzSCXXd2s15mpG0sr3QGx9Ih+U/IBAoGACkE5
        jr4vwnb/8m4FKng0dlHU1L4JDayI8BXOcvhAJgIRfne5Xp8keSVuaAxaliZqaU0I
        0PUZbLqmbolZ/OovEDd6B15KtNS8Scs7ccArd8BMNaNEzLnDHNMdyqbtFEZchmBG
        jFZ5BDEz2B7y3ZaNixuL38whaGQXoOKMvLjhV2UCgYAO+Z9cDYH6t9wazPZnJE5z
        uijEu3OeVhobSj8VIcM29BskRlbfPdbxitu7TxwfN3vySBefw7OKe4MTjgB6SFX5
        /fjZGPETugYMljmORThP/Y1LWgwFgsf261tB6sBeqQhB20l2intjLK5ccDTnAxir
        Ury2el960N7OMQcT1pP+Gg==
        -----END PRIVATE KEY-----
        """
    /// Self-signed certificate for `appPrivateKey` (CN=modelgate-test-app).
    static let appCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIDHTCCAgWgAwIBAgIUTzeeTjaQ4wqj3bsDKD4rNttrQQ8wDQYJKoZIhvcNAQEL
        BQAwHTEbMBkGA1UEAwwSbW9kZWxnYXRlLXRlc3QtYXBwMCAXDTI2MTEyNjE2NTQw
        NloYDzIxMjYxMTAyMTY1NDA2WjAdMRswGQYDVQQDDBJtb2RlbGdhdGUtdGVzdC1h
        cHAwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDEcNrY2cQFX9IGorH7
        dGQSb2u9mBc1GSQaLIVwaBrNj2l4prsQt5SlVrB4nyGKsBt3kvXV7auq4Tg3ie/r
        BhXUA6xvuhYXlrne6ismoZ5UkJdU5Y23xSEEp98H2qMDazKojTbxIMJlMwAHJ5p4
        wHJRxKkLx1GGy8+Ojch3uuAvF/Mgfc7s1+lwGa/bp8eWzz4SObBXoBWGahmGwZet
        3NWBuFNOJNC2G7hlikcLGsy8o4IjFi3nN13LC+12fnKylvdHm66hftCWO/XK1vnH
        tx+wOuoeIc8Yy8fMzuNSicwiDX6AZMcJmmz23xMtkJbLyjo3xCnWTU+UViXoqEVr
        Op7TAgMBAAGjUzBRMB0GA1UdDgQWBBQz6isEAMr/WNTHJDBJTIHTGfvp5jAfBgNV
        HSMEGDAWgBQz6isEAMr/WNTHJDBJTIHTGfvp5jAPBgNVHRMBAf8EBTADAQH/MA0G
        CSqGSIb3DQEBCwUAA4IBAQBNuuqNQCDLJ47lRvBFJKyxh4ltK36WtAF3mBw79uCS
        FCOXTpPTuaScN3pqEZLZ0097AMvoqxqMTBrCrq/sitB/Dnl8xqTQ2cnLPm5M0jaX
        xnxBhU/bzpZPR8JKQAJN9agwev2BurIC8qcKWJ5yWhuO0KFk6LGogt1no0o9NYfJ
        Gz3CRtj5O9JDuea1u1DHqQ+EDlP6/Mp96gvGxIHCZb1K/7ep73/7P5F0jIoMRUfB
        bg+pD+FUsOlG2Mb/+dplvA2Ok55khz4DWIVRJ8hk7y/5P6HbHqUeUpwfDtQQVfFB
        UVsZ/BkeRv2wNznNsSkg/1fv7Jt2bMUVQyRHH7brkJ/4
        -----END CERTIFICATE-----
        """
    /// An unrelated RSA 2048 key (a wrong key).
}
