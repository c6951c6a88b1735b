// TEST-ONLY key material, copied from Tests/ModelGateCredentialsTests/TestKeys.swift (never used anywhere else).
// The private keys below protect nothing.

enum VertexTestKeys {
    /// The fake Google service account's key: RSA 2048, PKCS#8.
    static let serviceAccountKey = """
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
    /// Its public key.
    static let serviceAccountPublicKey = """
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
    /// An unrelated RSA 2048 key (a wrong key).
    static let otherPrivateKey = """
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
}
