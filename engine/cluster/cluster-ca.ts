/**
 * The simulated cluster's CA certificate, /etc/kubernetes/pki/ca.crt. The
 * simulated cluster's CA is fixed: this one was generated once, the way
 * kubeadm's `certs ca` phase makes it (cmd/kubeadm/app/util/pkiutil
 * NewSelfSignedCACert): an RSA-2048 key, subject and issuer CN=kubernetes
 * (a PrintableString, as Go's pkix.Name encodes it), a random positive 63-bit
 * serial, key usage critical digitalSignature|keyEncipherment|keyCertSign,
 * basic constraints critical CA:TRUE, a subject key identifier (Go adds one to
 * every CA), SAN DNS:kubernetes, no authority key identifier, SHA256withRSA.
 * Valid from kubeadm's start (the cluster's creation, CLUSTER_CREATED) less
 * CertificateBackdate (5 minutes) for CACertificateValidityPeriod (87600h) from
 * its start. Only the certificate is kept; its key was discarded.
 */
export const CLUSTER_CA_PEM = `
-----BEGIN CERTIFICATE-----
MIIDBTCCAe2gAwIBAgIIc34fDt5kK9EwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE
AxMKa3ViZXJuZXRlczAeFw0yNjAxMDUxMTU1MDBaFw0zNjAxMDMxMjAwMDBaMBUx
EzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
AoIBAQDOTuFoyfLFniNBbu+N1vL+083Gtuc3JxzoEWx4nMBnyKDoQ4xN2MKnMTdo
I1RphDJMtqWzgXOqgJgvV/1GLtRcCJEjWDDnPGS8zD08s00Y3Jcdg3BtHIOZa/yh
BEhU2UizM644C6OJeDDufP4Rx1+KDPXe/4pE/Yed4CrHfGeCq80/cLtY8T0UgRbd
iGbNzBFFpFZ/0FjbaNyQS/0jShoRLe/AFAC1qqAGBhPJqHIdaP3jlO7VnPIpb7i3
o33bed0cTwwe0gyd2xTnO2lFPjzfqAYDXuwKjajgI6VNzn6X76ZBkH2/+fngb7NE
Danof5VzqCgIZVyN58kCnET3x/MLAgMBAAGjWTBXMA4GA1UdDwEB/wQEAwICpDAP
BgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBT5T0OFX4g8Ojrpcxc5gSUpULgbvjAV
BgNVHREEDjAMggprdWJlcm5ldGVzMA0GCSqGSIb3DQEBCwUAA4IBAQCHhNM9p1EP
41v8cdFcAiH68o1bcx2Bw7natsPyz1ldo6RkPX8ESVhqhdo35Wxd044JLNdkJHV7
TPr75ihN63zo7S0aT0XiWrpkaE+hlZ9LoHU1XsL1bGHaEDZmaCj9kwzI7O8WLZcz
+1kh9BVOqUy7B+UVlELNHxJ8g6lnUNEWiXYbfZAucP8CKWj6kDCcWpeg6mnhgnWs
alDP6H1OHNLPqKboV3E4GflY3OiLNdFqBKsVk1RWj2argjM0tdRJyULrHD8j6N5X
fLaBPU7Rstm1b0+jUFwbhxfjB/HJsrs+QSjM/XyI2UqfsPOXEeLJ6H6A9uVWZfue
dpc6ikbryPHA
-----END CERTIFICATE-----
`.trimStart()
