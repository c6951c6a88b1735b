// TEST-ONLY key material, generated once with the openssl CLI for these tests (never used anywhere else).
// The private keys below protect nothing.

enum TestKeys {
    /// RSA 2048, PKCS#8 (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`).
    static let appPrivateKeyPKCS8 = """
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
    /// Self-signed certificate for `appPrivateKeyPKCS8` (`openssl req -x509 -new -key app.pem -subj /CN=modelgate-test-app`).
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
    /// `openssl pkey -in app.pem -pubout`.
    static let appPublicKey = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxHDa2NnEBV/SBqKx+3Rk
        Em9rvZgXNRkkGiyFcGgazY9peKa7ELeUpVaweJ8hirAbd5L11e2rquE4N4nv6wYV
        1AOsb7oWF5a53uorJqGeVJCXVOWNt8UhBKffB9qjA2syqI028SDCZTMAByeaeMBy
        UcSpC8dRhsvPjo3Id7rgLxfzIH3O7NfpcBmv26fHls8+EjmwV6AVhmoZhsGXrdzV
        gbhTTiTQthu4ZYpHCxrMvKOCIxYt5zddywvtdn5yspb3R5uuoX7Qljv1ytb5x7cf
        sDrqHiHPGMvHzM7jUonMIg1+gGTHCZps9t8TLZCWy8o6N8Qp1k1PlFYl6KhFazqe
        0wIDAQAB
        -----END PUBLIC KEY-----
        """
    /// Another RSA 2048 key, PKCS#1 (`openssl rsa -traditional`).
    static let otherPrivateKeyPKCS1 = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEogIBAAKCAQEAuhW/f1JUomxxz9siMYT28o3sfhNODO1N6Fdgi6qlqKnrm0me
        6/YDTCVgcgM7EH901p1J1wWK58NgLAflhkLOR70InIuCQ7EFO3S8AAV2PegRMUIW
        pLYc7jvw5pSz6nQCiEkPNvd4MQ7vxTVZ5Hxrg3CsR+nFKZlKVOZEzSRSXY5AmJ9D
        IJTzjFSf8IyicufRuG7mt6h5i9KUva/BQCYdsNGvU1X98vsRDfgP4mXSj4/3Uvce
        rL4cNItF2h/3t95PFmH5bHLf9goh/cJxBrjXMxtYtk2noZ8Fz4IxhG3fPPjzEdQt
        hQC2RVIeZuh5th69ALpologUtmNFuzUkcxeEmwIDAQABAoIBAB9XVl99YF/S4ABg
        KgwpFuaXXMOHQNgQh9SgEtSzMx+LLvGCns+jKb8DdJD/Vk1bCjSzXSJn/pM2ZtZD
        pjbMva17ex3SqWf5QqZW7OscAGRA19RyCxpGyeyeD97mIL9WNq75jyR03bt1hpCy
        gadoBTuoGHwsNVbiSJCwD9p1SaIT7+squscwano51/pNzKZfeSXfX+5iuzpwHxoe
        ZNmhCQFifX4FsmkBXdUJ+T1IRnlnqSnNLdAv1weGe6Dj2uwsUk7GCSqA1sKHik4q
        KsUpzJHk74ckvMyux1taw1NiEci50UNKBfaMw7dRpHU7rtkBHx1TeVTXm6oJVPZE
        HHYjv0ECgYEA2+UNOjGonW+Z9Bk06q4Wf3K+cYC2cNV7as1gYsYaLEuJhXsMXHfA
        hqGEyyZoJkpnqp0Hs+Hmydb65heTTEAKHEhWWB7F5+ksv/odmZaC22MHT43YCRyI
        h5Xgm8GtMPdNcGhoWWFCrwDH91iYOuNmTqAQmxPPb36AzSLH0kfKg3ECgYEA2KON
        caxJTNH+wpEHH+ZOD/TfxnyxhWo8yAOSU6sf93ZdBDbuqMs/k8i3B+Tp9wEPkCrR
        ajQ8gY3Q3n+4alezlBh8WPnzQnd/VzacPRV321mrFFXFitHRnC/XVGaNiYRAu12B
        UoaqQxpML+UqoAfVDE8R1F5JfqJQzGBeahkc6ssCgYBYKBIPfI0e4PkVtW1TkIuQ
        eM4E7xc1UUDzZnb34nfnvjjZ/KTOBWx4DRUR5MnoX/gDnITUBwLhdICN8nGpJhtn
        j1Ceb2fkO8UnCf0H8CFyFtd9e15a+Md7pAiyKQloEh1HrXP4MVfslSGV9jzBjx0a
        9Gzz3xNQnaTBmOoHUaTM4QKBgAPGZdKTQ/u4tQ3C5TLjGn0gsT2OMrG2djSuC0C1
        /KqdP2WxZ1s9n2/90WKr1H/fXtwOQvPs0RkY1YjrBNWljZWJD7GlOV3xIyDr7LEL
        zLjfySFjlTukCFkGZGQuHU1GJrKdIIHFovXkYWt8PM/pEwdR4Wen9PPl9C57h2ml
        4mEdAoGAWNYaCwgpv8lvhpTRa+zj8A3SbiikANtYE6PN/u0fuveKY+TKYfHBD8Yd
        HPlk/y3PvzGqtY++aR5oEsPPMcLoo29N0/3vV0b0Ez0FXJLrG+12P9EkMjFr6zft
        e5SA29uTqK0X4fvtrKCwki/YavsDFyR9LHeUYPUTo4vPwEMatbE=
        -----END RSA PRIVATE KEY-----
        """
    /// `otherPrivateKeyPKCS1` encrypted (`openssl pkey -aes256`), which must be refused, never prompted for.
    static let encryptedPrivateKey = """
        -----BEGIN ENCRYPTED PRIVATE KEY-----
        MIIFLTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQIIRxaMT5yGDUCAggA
        MAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAEqBBCMCI7VpHkSwPkjknLaHRggBIIE
        0CT/tv1jHB5zcuDNR2U0rsZeXmURqTmxL44iBWyDwyLNnUUJMqOqQHBo0U7kRmiG
        R23gUmSIEnbnv2h3eUohBxhNdXu7ztYEmPzTZFXnDOHefhsdMx88Ye9fRqIQH1nE
        MgkjUXUHO+fmK++zI7KzkrMbT68HclxN+i/32MyRFTuG491eFUAaIb1ndbIESsT/
        fCgbFKFQFzFj58QbYbSop0mYBKff1RkG2G1Ey8cUxaaCgBQ4c9jS5tzMk+RRNG1l
        gG2HCC3ZOBRIBUaYEJHQfLCGv9Q5aA7BgS3qKNE5DhYUa27MgRyQgpJ3UoLO+g7m
        41YIYqwjk7xEsaTI6Unrj4wKpGcCEE4ENm4phtTTrYrf4zxdv9lUYOI9Jqzk7d/7
        H5RIjbkS5+28ucmLtak5jf2LJLa/qnxcvsugxRl8MYsM6ERTkKv+QAk6Bul1bCbq
        HvqGqs45i995ptZ/2jV9Ft76rOsbu6lW6Khkhl37PwRmWcuMKQVozBHKX0roWg3p
        PbPNnOnXOZySYTaWPUTHF43wwlW8QknM0aVwtDVWvZ2MvzsXN6EPf9jHK4CML/na
        jjB+54S1YOzeOEa50kqkSWLtgmBQ+DhWyYTwYsBYFWNKIpRNRvzbCJO/5XqcqC4r
        aj8KoW3EEud3JMjU+nucCQa5Os4xdterfMarSvXARieZK9kYVBKE7XOvt2NBbeH5
        Jq18hhbWhtGNKfDutpIEPgJ2+1rPX5TOHSosMXODKQerIVBlkhV/R/UZVAqkheb1
        XID/rEIi+RdWmULVP3UVP6TLxbZtIIfIbWKum4Q8OaALATU01SjAEsmvVgdp9odZ
        PuoGKu4kjh8MFYZpjwZ80NyvZIkq//eqIF5NbIDrla/Ne3mBC+NCKH/pAEaPyiCf
        ONF3JuWm/GSR7fLPB4dHV5NUkSHKDqQiahN5RQ2l3U6oC1yTOvqbUjo4g6BSOFWO
        aqa8cUF5JjJlsrmSobkDw6oBsuoN7cO/WpTCrUVjMzTA/E2KR0XkFF8nTGIzq90q
        N/2Wgh6QDunBJ/QI2mOvBPZ6CCimZCIM8GLYpEM3KOzMtxjmrQra4+1Q9M3/Chfe
        4dBuHDPCTRnccWNbJcc7w2H83wqnuvRPF7p3glUxi4iyFN7EQPzIHGZ/LnxUVLTd
        Ik39n1CTMDBvA9omoW1HHjysClo+N3uw5MmZ6I5sDaniI00z1c/KPRMoPnwlJ/xQ
        /DuMXiaqnu8Uq+d4fRrtocOKXvs6TbanBCL2xckDnV2LvXp0l4CkejpDEZFdpd4k
        gTHK5eOg/hgPenTH0tgLMk1+B+dXU3yh406iHwZASRRxD/X+/MIaYkBwkufeclad
        hPZii+wZrHJVxq/hmnDd4/qDVzim3HShU17CIRtT4lAXGOKrmF9ENrA6TDJAigC+
        Lk8RjitmYcvNe7CECRQC6Mf3sv6dVMg/xA3Hv7AabVjP2CRVro4rsu9c4HfEcYUj
        VApgHWxtDeNS4nFTjr04xdwcvM6My39CZqCukmOvm0lW63Xem5eAMPSywkzC0Wya
        71ShyY40SJxpaOI9uBxnhz3TVwXURpEE/V9PtFQNIuCzbppEtezhNj53gGNAvMqu
        UsPHRMOmwAH16WL/yY70vs2cNWKDJ3SygtC6J03oNzy+
        -----END ENCRYPTED PRIVATE KEY-----
        """
    /// `openssl x509 -in app.crt -noout -fingerprint -sha1`, colons removed.
    static let appSHA1Fingerprint = "9299FA129EF4D9DE93544CD24CA04AB5E24B2E15"
    /// `openssl x509 -outform DER | openssl dgst -sha256 -binary | basenc --base64url`, padding removed.
    static let appX5tS256 = "B6gqe82GQHswHIB-fInKsr0R02NzbQjOUSmZhh3sjVw"
    /// The same with `-sha1`.
    static let appX5t = "kpn6Ep702d6TVEzSTKBKteJLLhU"
}
