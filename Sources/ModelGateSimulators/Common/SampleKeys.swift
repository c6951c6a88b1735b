// SAMPLE key material for the simulators, their tests and the demo: generated once with the openssl CLI,
// published here, so it protects nothing and must never be configured for a real registry.

/// Throwaway keys: a Google service account (the simulators' Google token endpoint trusts its public key),
/// an Entra ID application key and certificate, and a second "other" key pair that nothing trusts.
public enum SampleKeys {
    /// The fake Google service account's key: RSA 2048, PKCS#8.
    public static let serviceAccountKey = """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDfo1x0I84PCAxs
        o9v9KLZhTIrFkzdLKGzyXjVSpjvCPyqX882tCoPC9nrQT8c8VBigawqbeCLHXDCK
        RCkH+6wbZCr/gF8McmSCn0Y71qKOtFgpncr75RTVbJBiCKD7F0ikGt/gFQncdLZG
        qk60O/Eea8m3wER9QDE4njmJcGQv/PJJgruUNaj1DlZ3u43GO+yJNeZk70Pqym9j
        ISQVE4/Ijflv2RTJLuyQq0MNRyXKaCSg8VRTouMZXulmC0vvlxP6S5iusWTLKlOr
        KHKh9yvi0x0EUFtBTYAEPupHXvu+sAIizMPXQEMyvna6bCVQ3I8mhFLb1sBZuJdU
        c+1HqytVAgMBAAECggEAA3qbmBTsgjBaXSBJbk1BVQ8nQ36QSCOHWlfb1X7PhCyO
        YZHB29TDivdhnrb2/vnB7lDr99ItHFPTT3tS9hRUr5Jl1tas49ktthh7M7gZjEXC
        71bMjxGXuuA2+Mdwladdkmv2mppJLnxET6IbmlMqY5JCr5CWoCos+dgARiKQ9Gwf
        +Ptm7j4DKUZ7p9M6dta8IdVRX8UqEm+HAdMi5KL0Cg55mSRO39d3A3CzWySNveKB
        OQZdSWldKPfNMsZpo9peU2PX/4QFpMIUnmo4xc4boAH67QCngexWCodQi8HMbUnP
        HopZ3pJ/BtFAgA5AkXR52M2s1++46wdRgbomiWVQ4QKBgQDwMfNUhRlBPX3wjyUd
        vuaeSWbGQNMjKxQiWsfT6TKcan8GoTzilXDwf7QyS+1pYeYKpXEvr3ViDcrKCiug
        23But/OsjczzQdm0rO+e3JaUd/U3042OwF584RUcnQ8AOBn50RhF8PQsn0WcHHUh
        LDntYUErtYFTLzNGI2MhV6AfEQKBgQDuWoK+aCQ2rfxj0oUJ8C6EeHIKJbt+Il7u
        Z1sEJOLqU0HiNHTEzxcJhi06upfpv3QjZDBW6xOfWG0IvYZsHE9HiFvXsudqr61v
        SNb5rk5HSVFraNzJGCMgDFleaI/3vMPh0AR9qvHqzikMgmfbKUUFIytjAojwbiI/
        ejkIUQGQBQKBgD5AI9k+2Ym//xjOcIciB7D0Qw+Uk2Pk8UXqEyoHoRdKvnsgZKAw
        rOGXp0L1zKToO2986zW5mol8G5d7RU1eMehwAlYxNfHBmkOqIjwg3WHDKSl7yY86
        qgJhb1BIIDAlWg4Vs93EkfPSn37THUQoqyarcvF6C/dcH0TJPRLSG+yRAoGAfN/A
        hb8L0fXfN/EQMD+8LzznCjfwfcnGEILnpUkp9Pf/mWJAFugkOqIoSg9+DUF3uB8C
        UFdCZYYvQZgBt9wxENn4vA4HvdYiOB5iOlc+vYxE8s/ydAyIQn8Vxydi3bjwqvqP
        j8MikRDHYr1jaee6OFHPpkSqt8QLf1QqUxgViH0CgYEAosmZajVUaNVVCRwJuiP2
        cCw5irBmnmIPE9gJjdW4x2p9s5IcIc28qGINxU1LrYagQbpJbEd5Saubd2Rt8rPN
        I9wolox25NocWM+owabp8PvzYmvzRgKe+xw6DDe/PDNjIqaAb74+jLV1I7URe2bY
        Cyt3kB7OBozEbVv1Lk6GfKM=
        -----END PRIVATE KEY-----
        """
    /// Its public key (what the fake token endpoint verifies with).
    public static let serviceAccountPublicKey = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA36NcdCPODwgMbKPb/Si2
        YUyKxZM3Syhs8l41UqY7wj8ql/PNrQqDwvZ60E/HPFQYoGsKm3gix1wwikQpB/us
        G2Qq/4BfDHJkgp9GO9aijrRYKZ3K++UU1WyQYgig+xdIpBrf4BUJ3HS2RqpOtDvx
        HmvJt8BEfUAxOJ45iXBkL/zySYK7lDWo9Q5Wd7uNxjvsiTXmZO9D6spvYyEkFROP
        yI35b9kUyS7skKtDDUclymgkoPFUU6LjGV7pZgtL75cT+kuYrrFkyypTqyhyofcr
        4tMdBFBbQU2ABD7qR177vrACIszD10BDMr52umwlUNyPJoRS29bAWbiXVHPtR6sr
        VQIDAQAB
        -----END PUBLIC KEY-----
        """
    /// The fake Entra ID application's key: RSA 2048, PKCS#8.
    public static let appPrivateKey = """
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
    public static let appCertificate = """
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
    public static let otherPrivateKey = """
        -----BEGIN PRIVATE KEY-----
        MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC6Fb9/UlSibHHP
        2yIxhPbyjex+E04M7U3oV2CLqqWoqeubSZ7r9gNMJWByAzsQf3TWnUnXBYrnw2As
        B+WGQs5HvQici4JDsQU7dLwABXY96BExQhakthzuO/DmlLPqdAKISQ8293gxDu/F
        NVnkfGuDcKxH6cUpmUpU5kTNJFJdjkCYn0MglPOMVJ/wjKJy59G4bua3qHmL0pS9
        r8FAJh2w0a9TVf3y+xEN+A/iZdKPj/dS9x6svhw0i0XaH/e33k8WYflsct/2CiH9
        wnEGuNczG1i2TaehnwXPgjGEbd88+PMR1C2FALZFUh5m6Hm2Hr0AumiWiBS2Y0W7
        NSRzF4SbAgMBAAECggEAH1dWX31gX9LgAGAqDCkW5pdcw4dA2BCH1KAS1LMzH4su
        8YKez6MpvwN0kP9WTVsKNLNdImf+kzZm1kOmNsy9rXt7HdKpZ/lCplbs6xwAZEDX
        1HILGkbJ7J4P3uYgv1Y2rvmPJHTdu3WGkLKBp2gFO6gYfCw1VuJIkLAP2nVJohPv
        6yq6xzBqejnX+k3Mpl95Jd9f7mK7OnAfGh5k2aEJAWJ9fgWyaQFd1Qn5PUhGeWep
        Kc0t0C/XB4Z7oOPa7CxSTsYJKoDWwoeKTioqxSnMkeTvhyS8zK7HW1rDU2IRyLnR
        Q0oF9ozDt1GkdTuu2QEfHVN5VNebqglU9kQcdiO/QQKBgQDb5Q06Maidb5n0GTTq
        rhZ/cr5xgLZw1XtqzWBixhosS4mFewxcd8CGoYTLJmgmSmeqnQez4ebJ1vrmF5NM
        QAocSFZYHsXn6Sy/+h2ZloLbYwdPjdgJHIiHleCbwa0w901waGhZYUKvAMf3WJg6
        42ZOoBCbE89vfoDNIsfSR8qDcQKBgQDYo41xrElM0f7CkQcf5k4P9N/GfLGFajzI
        A5JTqx/3dl0ENu6oyz+TyLcH5On3AQ+QKtFqNDyBjdDef7hqV7OUGHxY+fNCd39X
        Npw9FXfbWasUVcWK0dGcL9dUZo2JhEC7XYFShqpDGkwv5SqgB9UMTxHUXkl+olDM
        YF5qGRzqywKBgFgoEg98jR7g+RW1bVOQi5B4zgTvFzVRQPNmdvfid+e+ONn8pM4F
        bHgNFRHkyehf+AOchNQHAuF0gI3ycakmG2ePUJ5vZ+Q7xScJ/QfwIXIW1317Xlr4
        x3ukCLIpCWgSHUetc/gxV+yVIZX2PMGPHRr0bPPfE1CdpMGY6gdRpMzhAoGAA8Zl
        0pND+7i1DcLlMuMafSCxPY4ysbZ2NK4LQLX8qp0/ZbFnWz2fb/3RYqvUf99e3A5C
        8+zRGRjViOsE1aWNlYkPsaU5XfEjIOvssQvMuN/JIWOVO6QIWQZkZC4dTUYmsp0g
        gcWi9eRha3w8z+kTB1HhZ6f08+X0LnuHaaXiYR0CgYBY1hoLCCm/yW+GlNFr7OPw
        DdJuKKQA21gTo83+7R+694pj5Mph8cEPxh0c+WT/Lc+/Maq1j75pHmgSw88xwuij
        b03T/e9XRvQTPQVckusb7XY/0SQyMWvrN+17lIDb25OorRfh++2soLCSL9hq+wMX
        JH0sd5Rg9ROji8/AQxq1sQ==
        -----END PRIVATE KEY-----
        """
    /// Self-signed certificate for `otherPrivateKey` (CN=modelgate-test-other).
    public static let otherCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIDITCCAgmgAwIBAgIUUIFo2c1LorWaRPGFWSLN+5uXbdgwDQYJKoZIhvcNAQEL
        BQAwHzEdMBsGA1UEAwwUbW9kZWxnYXRlLXRlc3Qtb3RoZXIwIBcNMjYxMTI2MTY1
        NDA2WhgPMjEyNjExMDIxNjU0MDZaMB8xHTAbBgNVBAMMFG1vZGVsZ2F0ZS10ZXN0
        LW90aGVyMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuhW/f1JUomxx
        z9siMYT28o3sfhNODO1N6Fdgi6qlqKnrm0me6/YDTCVgcgM7EH901p1J1wWK58Ng
        LAflhkLOR70InIuCQ7EFO3S8AAV2PegRMUIWpLYc7jvw5pSz6nQCiEkPNvd4MQ7v
        xTVZ5Hxrg3CsR+nFKZlKVOZEzSRSXY5AmJ9DIJTzjFSf8IyicufRuG7mt6h5i9KU
        va/BQCYdsNGvU1X98vsRDfgP4mXSj4/3UvcerL4cNItF2h/3t95PFmH5bHLf9goh
        /cJxBrjXMxtYtk2noZ8Fz4IxhG3fPPjzEdQthQC2RVIeZuh5th69ALpologUtmNF
        uzUkcxeEmwIDAQABo1MwUTAdBgNVHQ4EFgQUarEt7Yr5C+DutAOakyKaDkQbraQw
        HwYDVR0jBBgwFoAUarEt7Yr5C+DutAOakyKaDkQbraQwDwYDVR0TAQH/BAUwAwEB
        /zANBgkqhkiG9w0BAQsFAAOCAQEAO3jiIZ7DiIElalCyXPQpZ7mSKDfCXVputyMq
        9mv2K7bcW9hIL5HigCcwHjIxN6v3SwV8cI4IljG59yODvmr2MuxFNcOa2w9WO4bX
        o3IOylIpC5vikkMFyOtjEmZ1hXwhKf1uGE6LXR5XqzewW3aBc2/G/JrZ+ulk+2mZ
        lgtBEoNZCPhwI9SJrNe7lLqgYezdA+6aGS71/NSx3LlK3PJ/M6kgACBk3ZJG22Te
        bFd6tKb6lWmujMCZSlM8TYWJZuCSlkXEI1OI95qIhEskvmK3JO+P9WJiX5Nrd7WS
        O0X57zyKtpbM8qwS1Dv7BHapJodNw/w36jYsAt/Mvz5ltODv3Q==
        -----END CERTIFICATE-----
        """
    /// `app.crt`'s x5t#S256 as computed by the openssl CLI.
    public static let appX5tS256 = "B6gqe82GQHswHIB-fInKsr0R02NzbQjOUSmZhh3sjVw"
}
