#ifndef CMODELGATE_OPENSSL_SHIM_H
#define CMODELGATE_OPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

/* A PEM passphrase callback that refuses: an encrypted key fails to load instead of prompting on the terminal. */
static inline int cmg_no_password(char *buf, int size, int rwflag, void *userdata) {
    (void)buf; (void)size; (void)rwflag; (void)userdata;
    return 0;
}

/* Reads the first private key (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY") from a PEM BIO; other blocks are skipped. */
static inline EVP_PKEY *cmg_pem_read_private_key(BIO *bio) {
    return PEM_read_bio_PrivateKey(bio, NULL, cmg_no_password, NULL);
}

/* Reads the first SubjectPublicKeyInfo ("PUBLIC KEY") from a PEM BIO. */
static inline EVP_PKEY *cmg_pem_read_public_key(BIO *bio) {
    return PEM_read_bio_PUBKEY(bio, NULL, cmg_no_password, NULL);
}

/* Reads the first certificate ("CERTIFICATE") from a PEM BIO; other blocks are skipped. */
static inline X509 *cmg_pem_read_certificate(BIO *bio) {
    return PEM_read_bio_X509(bio, NULL, cmg_no_password, NULL);
}

/* Frees memory OpenSSL allocated (OPENSSL_free is a macro). */
static inline void cmg_openssl_free(void *pointer) {
    OPENSSL_free(pointer);
}
#endif
