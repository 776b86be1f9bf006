/*
 * mail_params_tls - TLS parameters
 *
 * Part of mail_params.h: include that instead. Every TLS parameter of the
 * SMTP server (smtpd_tls_*, postscreen), the SMTP and LMTP clients (smtp_tls_*,
 * lmtp_tls_*), tlsmgr, tlsproxy and the global tls_* settings, with the
 * defaults of Postfix 3.8 (the *_enable_rpk switches are those of 3.9).
 */
#ifndef MAIL_PARAMS_TLS_H
#define MAIL_PARAMS_TLS_H

#define VAR_LMTP_ENFORCE_TLS "lmtp_enforce_tls"
#define DEF_LMTP_ENFORCE_TLS "no"

#define VAR_LMTP_SASL_TLS_SECURITY_OPTIONS "lmtp_sasl_tls_security_options"
#define DEF_LMTP_SASL_TLS_SECURITY_OPTIONS "$lmtp_sasl_security_options"

#define VAR_LMTP_SASL_TLS_VERIFIED_SECURITY_OPTIONS "lmtp_sasl_tls_verified_security_options"
#define DEF_LMTP_SASL_TLS_VERIFIED_SECURITY_OPTIONS "$lmtp_sasl_tls_security_options"

#define VAR_LMTP_STARTTLS_TIMEOUT "lmtp_starttls_timeout"
#define DEF_LMTP_STARTTLS_TIMEOUT "300s"

#define VAR_LMTP_TLS_CAFILE "lmtp_tls_CAfile"
#define DEF_LMTP_TLS_CAFILE ""

#define VAR_LMTP_TLS_CAPATH "lmtp_tls_CApath"
#define DEF_LMTP_TLS_CAPATH ""

#define VAR_LMTP_TLS_BLOCK_EARLY_MAIL_REPLY "lmtp_tls_block_early_mail_reply"
#define DEF_LMTP_TLS_BLOCK_EARLY_MAIL_REPLY "no"

#define VAR_LMTP_TLS_CERT_FILE "lmtp_tls_cert_file"
#define DEF_LMTP_TLS_CERT_FILE ""

#define VAR_LMTP_TLS_CHAIN_FILES "lmtp_tls_chain_files"
#define DEF_LMTP_TLS_CHAIN_FILES ""

#define VAR_LMTP_TLS_CIPHERS "lmtp_tls_ciphers"
#define DEF_LMTP_TLS_CIPHERS "medium"

#define VAR_LMTP_TLS_CONNECTION_REUSE "lmtp_tls_connection_reuse"
#define DEF_LMTP_TLS_CONNECTION_REUSE "no"

#define VAR_LMTP_TLS_DCERT_FILE "lmtp_tls_dcert_file"
#define DEF_LMTP_TLS_DCERT_FILE ""

#define VAR_LMTP_TLS_DKEY_FILE "lmtp_tls_dkey_file"
#define DEF_LMTP_TLS_DKEY_FILE "$lmtp_tls_dcert_file"

#define VAR_LMTP_TLS_ECCERT_FILE "lmtp_tls_eccert_file"
#define DEF_LMTP_TLS_ECCERT_FILE ""

#define VAR_LMTP_TLS_ECKEY_FILE "lmtp_tls_eckey_file"
#define DEF_LMTP_TLS_ECKEY_FILE "$lmtp_tls_eccert_file"

#define VAR_LMTP_TLS_ENABLE_RPK "lmtp_tls_enable_rpk"
#define DEF_LMTP_TLS_ENABLE_RPK "no"

#define VAR_LMTP_TLS_ENFORCE_PEERNAME "lmtp_tls_enforce_peername"
#define DEF_LMTP_TLS_ENFORCE_PEERNAME "yes"

#define VAR_LMTP_TLS_EXCLUDE_CIPHERS "lmtp_tls_exclude_ciphers"
#define DEF_LMTP_TLS_EXCLUDE_CIPHERS ""

#define VAR_LMTP_TLS_FINGERPRINT_CERT_MATCH "lmtp_tls_fingerprint_cert_match"
#define DEF_LMTP_TLS_FINGERPRINT_CERT_MATCH ""

#define VAR_LMTP_TLS_FINGERPRINT_DIGEST "lmtp_tls_fingerprint_digest"
#define DEF_LMTP_TLS_FINGERPRINT_DIGEST DEF_FINGERPRINT_DIGEST_CL36

#define VAR_LMTP_TLS_FORCE_INSECURE_HOST_TLSA_LOOKUP "lmtp_tls_force_insecure_host_tlsa_lookup"
#define DEF_LMTP_TLS_FORCE_INSECURE_HOST_TLSA_LOOKUP "no"

#define VAR_LMTP_TLS_KEY_FILE "lmtp_tls_key_file"
#define DEF_LMTP_TLS_KEY_FILE "$lmtp_tls_cert_file"

#define VAR_LMTP_TLS_LOGLEVEL "lmtp_tls_loglevel"
#define DEF_LMTP_TLS_LOGLEVEL "0"

#define VAR_LMTP_TLS_MANDATORY_CIPHERS "lmtp_tls_mandatory_ciphers"
#define DEF_LMTP_TLS_MANDATORY_CIPHERS "medium"

#define VAR_LMTP_TLS_MANDATORY_EXCLUDE_CIPHERS "lmtp_tls_mandatory_exclude_ciphers"
#define DEF_LMTP_TLS_MANDATORY_EXCLUDE_CIPHERS ""

#define VAR_LMTP_TLS_MANDATORY_PROTOCOLS "lmtp_tls_mandatory_protocols"
#define DEF_LMTP_TLS_MANDATORY_PROTOCOLS ">=TLSv1"

#define VAR_LMTP_TLS_NOTE_STARTTLS_OFFER "lmtp_tls_note_starttls_offer"
#define DEF_LMTP_TLS_NOTE_STARTTLS_OFFER "no"

#define VAR_LMTP_TLS_PER_SITE "lmtp_tls_per_site"
#define DEF_LMTP_TLS_PER_SITE ""

#define VAR_LMTP_TLS_POLICY_MAPS "lmtp_tls_policy_maps"
#define DEF_LMTP_TLS_POLICY_MAPS ""

#define VAR_LMTP_TLS_PROTOCOLS "lmtp_tls_protocols"
#define DEF_LMTP_TLS_PROTOCOLS ">=TLSv1"

#define VAR_LMTP_TLS_SCERT_VERIFYDEPTH "lmtp_tls_scert_verifydepth"
#define DEF_LMTP_TLS_SCERT_VERIFYDEPTH "9"

#define VAR_LMTP_TLS_SECURE_CERT_MATCH "lmtp_tls_secure_cert_match"
#define DEF_LMTP_TLS_SECURE_CERT_MATCH "nexthop"

#define VAR_LMTP_TLS_SECURITY_LEVEL "lmtp_tls_security_level"
#define DEF_LMTP_TLS_SECURITY_LEVEL ""

#define VAR_LMTP_TLS_SERVERNAME "lmtp_tls_servername"
#define DEF_LMTP_TLS_SERVERNAME ""

#define VAR_LMTP_TLS_SESSION_CACHE_DATABASE "lmtp_tls_session_cache_database"
#define DEF_LMTP_TLS_SESSION_CACHE_DATABASE ""

#define VAR_LMTP_TLS_SESSION_CACHE_TIMEOUT "lmtp_tls_session_cache_timeout"
#define DEF_LMTP_TLS_SESSION_CACHE_TIMEOUT "3600s"

#define VAR_LMTP_TLS_TRUST_ANCHOR_FILE "lmtp_tls_trust_anchor_file"
#define DEF_LMTP_TLS_TRUST_ANCHOR_FILE ""

#define VAR_LMTP_TLS_VERIFY_CERT_MATCH "lmtp_tls_verify_cert_match"
#define DEF_LMTP_TLS_VERIFY_CERT_MATCH "hostname"

#define VAR_LMTP_TLS_WRAPPERMODE "lmtp_tls_wrappermode"
#define DEF_LMTP_TLS_WRAPPERMODE "no"

#define VAR_LMTP_USE_TLS "lmtp_use_tls"
#define DEF_LMTP_USE_TLS "no"

#define VAR_OPENSSL_PATH "openssl_path"
#define DEF_OPENSSL_PATH "openssl"

#define VAR_POSTSCREEN_ENFORCE_TLS "postscreen_enforce_tls"
#define DEF_POSTSCREEN_ENFORCE_TLS "$smtpd_enforce_tls"

#define VAR_POSTSCREEN_TLS_SECURITY_LEVEL "postscreen_tls_security_level"
#define DEF_POSTSCREEN_TLS_SECURITY_LEVEL "$smtpd_tls_security_level"

#define VAR_POSTSCREEN_USE_TLS "postscreen_use_tls"
#define DEF_POSTSCREEN_USE_TLS "$smtpd_use_tls"

#define VAR_RELAY_CLIENTCERTS "relay_clientcerts"
#define DEF_RELAY_CLIENTCERTS ""

#define VAR_SMTP_ENFORCE_TLS "smtp_enforce_tls"
#define DEF_SMTP_ENFORCE_TLS "no"

#define VAR_SMTP_SASL_TLS_SECURITY_OPTIONS "smtp_sasl_tls_security_options"
#define DEF_SMTP_SASL_TLS_SECURITY_OPTIONS "$smtp_sasl_security_options"

#define VAR_SMTP_SASL_TLS_VERIFIED_SECURITY_OPTIONS "smtp_sasl_tls_verified_security_options"
#define DEF_SMTP_SASL_TLS_VERIFIED_SECURITY_OPTIONS "$smtp_sasl_tls_security_options"

#define VAR_SMTP_STARTTLS_TIMEOUT "smtp_starttls_timeout"
#define DEF_SMTP_STARTTLS_TIMEOUT "300s"

#define VAR_SMTP_TLS_CAFILE "smtp_tls_CAfile"
#define DEF_SMTP_TLS_CAFILE ""

#define VAR_SMTP_TLS_CAPATH "smtp_tls_CApath"
#define DEF_SMTP_TLS_CAPATH ""

#define VAR_SMTP_TLS_BLOCK_EARLY_MAIL_REPLY "smtp_tls_block_early_mail_reply"
#define DEF_SMTP_TLS_BLOCK_EARLY_MAIL_REPLY "no"

#define VAR_SMTP_TLS_CERT_FILE "smtp_tls_cert_file"
#define DEF_SMTP_TLS_CERT_FILE ""

#define VAR_SMTP_TLS_CHAIN_FILES "smtp_tls_chain_files"
#define DEF_SMTP_TLS_CHAIN_FILES ""

#define VAR_SMTP_TLS_CIPHERS "smtp_tls_ciphers"
#define DEF_SMTP_TLS_CIPHERS "medium"

#define VAR_SMTP_TLS_CONNECTION_REUSE "smtp_tls_connection_reuse"
#define DEF_SMTP_TLS_CONNECTION_REUSE "no"

#define VAR_SMTP_TLS_DANE_INSECURE_MX_POLICY "smtp_tls_dane_insecure_mx_policy"
#define DEF_SMTP_TLS_DANE_INSECURE_MX_POLICY "dane"

#define VAR_SMTP_TLS_DCERT_FILE "smtp_tls_dcert_file"
#define DEF_SMTP_TLS_DCERT_FILE ""

#define VAR_SMTP_TLS_DKEY_FILE "smtp_tls_dkey_file"
#define DEF_SMTP_TLS_DKEY_FILE "$smtp_tls_dcert_file"

#define VAR_SMTP_TLS_ECCERT_FILE "smtp_tls_eccert_file"
#define DEF_SMTP_TLS_ECCERT_FILE ""

#define VAR_SMTP_TLS_ECKEY_FILE "smtp_tls_eckey_file"
#define DEF_SMTP_TLS_ECKEY_FILE "$smtp_tls_eccert_file"

#define VAR_SMTP_TLS_ENABLE_RPK "smtp_tls_enable_rpk"
#define DEF_SMTP_TLS_ENABLE_RPK "no"

#define VAR_SMTP_TLS_ENFORCE_PEERNAME "smtp_tls_enforce_peername"
#define DEF_SMTP_TLS_ENFORCE_PEERNAME "yes"

#define VAR_SMTP_TLS_EXCLUDE_CIPHERS "smtp_tls_exclude_ciphers"
#define DEF_SMTP_TLS_EXCLUDE_CIPHERS ""

#define VAR_SMTP_TLS_FINGERPRINT_CERT_MATCH "smtp_tls_fingerprint_cert_match"
#define DEF_SMTP_TLS_FINGERPRINT_CERT_MATCH ""

#define VAR_SMTP_TLS_FINGERPRINT_DIGEST "smtp_tls_fingerprint_digest"
#define DEF_SMTP_TLS_FINGERPRINT_DIGEST DEF_FINGERPRINT_DIGEST_CL36

#define VAR_SMTP_TLS_FORCE_INSECURE_HOST_TLSA_LOOKUP "smtp_tls_force_insecure_host_tlsa_lookup"
#define DEF_SMTP_TLS_FORCE_INSECURE_HOST_TLSA_LOOKUP "no"

#define VAR_SMTP_TLS_KEY_FILE "smtp_tls_key_file"
#define DEF_SMTP_TLS_KEY_FILE "$smtp_tls_cert_file"

#define VAR_SMTP_TLS_LOGLEVEL "smtp_tls_loglevel"
#define DEF_SMTP_TLS_LOGLEVEL "0"

#define VAR_SMTP_TLS_MANDATORY_CIPHERS "smtp_tls_mandatory_ciphers"
#define DEF_SMTP_TLS_MANDATORY_CIPHERS "medium"

#define VAR_SMTP_TLS_MANDATORY_EXCLUDE_CIPHERS "smtp_tls_mandatory_exclude_ciphers"
#define DEF_SMTP_TLS_MANDATORY_EXCLUDE_CIPHERS ""

#define VAR_SMTP_TLS_MANDATORY_PROTOCOLS "smtp_tls_mandatory_protocols"
#define DEF_SMTP_TLS_MANDATORY_PROTOCOLS ">=TLSv1"

#define VAR_SMTP_TLS_NOTE_STARTTLS_OFFER "smtp_tls_note_starttls_offer"
#define DEF_SMTP_TLS_NOTE_STARTTLS_OFFER "no"

#define VAR_SMTP_TLS_PER_SITE "smtp_tls_per_site"
#define DEF_SMTP_TLS_PER_SITE ""

#define VAR_SMTP_TLS_POLICY_MAPS "smtp_tls_policy_maps"
#define DEF_SMTP_TLS_POLICY_MAPS ""

#define VAR_SMTP_TLS_PROTOCOLS "smtp_tls_protocols"
#define DEF_SMTP_TLS_PROTOCOLS ">=TLSv1"

#define VAR_SMTP_TLS_SCERT_VERIFYDEPTH "smtp_tls_scert_verifydepth"
#define DEF_SMTP_TLS_SCERT_VERIFYDEPTH "9"

#define VAR_SMTP_TLS_SECURE_CERT_MATCH "smtp_tls_secure_cert_match"
#define DEF_SMTP_TLS_SECURE_CERT_MATCH "nexthop, dot-nexthop"

#define VAR_SMTP_TLS_SECURITY_LEVEL "smtp_tls_security_level"
#define DEF_SMTP_TLS_SECURITY_LEVEL ""

#define VAR_SMTP_TLS_SERVERNAME "smtp_tls_servername"
#define DEF_SMTP_TLS_SERVERNAME ""

#define VAR_SMTP_TLS_CAPABILITY_CACHE_DATABASE "smtp_tls_capability_cache_database"
#define DEF_SMTP_TLS_CAPABILITY_CACHE_DATABASE "btree:$data_directory/smtp_tls_capabilities"

#define VAR_SMTP_TLS_CAPABILITY_CACHE_TIMEOUT "smtp_tls_capability_cache_timeout"
#define DEF_SMTP_TLS_CAPABILITY_CACHE_TIMEOUT "1d"

#define VAR_SMTP_TLS_SESSION_CACHE_DATABASE "smtp_tls_session_cache_database"
#define DEF_SMTP_TLS_SESSION_CACHE_DATABASE ""

#define VAR_SMTP_TLS_SESSION_CACHE_TIMEOUT "smtp_tls_session_cache_timeout"
#define DEF_SMTP_TLS_SESSION_CACHE_TIMEOUT "3600s"

#define VAR_SMTP_TLS_TRUST_ANCHOR_FILE "smtp_tls_trust_anchor_file"
#define DEF_SMTP_TLS_TRUST_ANCHOR_FILE ""

#define VAR_SMTP_TLS_VERIFY_CERT_MATCH "smtp_tls_verify_cert_match"
#define DEF_SMTP_TLS_VERIFY_CERT_MATCH "hostname"

#define VAR_SMTP_TLS_WRAPPERMODE "smtp_tls_wrappermode"
#define DEF_SMTP_TLS_WRAPPERMODE "no"

#define VAR_SMTP_USE_TLS "smtp_use_tls"
#define DEF_SMTP_USE_TLS "no"

#define VAR_SMTPD_CLIENT_NEW_TLS_SESSION_RATE_LIMIT "smtpd_client_new_tls_session_rate_limit"
#define DEF_SMTPD_CLIENT_NEW_TLS_SESSION_RATE_LIMIT "0"

#define VAR_SMTPD_ENFORCE_TLS "smtpd_enforce_tls"
#define DEF_SMTPD_ENFORCE_TLS "no"

#define VAR_SMTPD_SASL_TLS_SECURITY_OPTIONS "smtpd_sasl_tls_security_options"
#define DEF_SMTPD_SASL_TLS_SECURITY_OPTIONS "$smtpd_sasl_security_options"

#define VAR_SMTPD_STARTTLS_TIMEOUT "smtpd_starttls_timeout"
#define DEF_SMTPD_STARTTLS_TIMEOUT "${stress?{10}:{300}}s"

#define VAR_SMTPD_TLS_CAFILE "smtpd_tls_CAfile"
#define DEF_SMTPD_TLS_CAFILE ""

#define VAR_SMTPD_TLS_CAPATH "smtpd_tls_CApath"
#define DEF_SMTPD_TLS_CAPATH ""

#define VAR_SMTPD_TLS_ALWAYS_ISSUE_SESSION_IDS "smtpd_tls_always_issue_session_ids"
#define DEF_SMTPD_TLS_ALWAYS_ISSUE_SESSION_IDS "yes"

#define VAR_SMTPD_TLS_ASK_CCERT "smtpd_tls_ask_ccert"
#define DEF_SMTPD_TLS_ASK_CCERT "no"

#define VAR_SMTPD_TLS_AUTH_ONLY "smtpd_tls_auth_only"
#define DEF_SMTPD_TLS_AUTH_ONLY "no"

#define VAR_SMTPD_TLS_CCERT_VERIFYDEPTH "smtpd_tls_ccert_verifydepth"
#define DEF_SMTPD_TLS_CCERT_VERIFYDEPTH "9"

#define VAR_SMTPD_TLS_CERT_FILE "smtpd_tls_cert_file"
#define DEF_SMTPD_TLS_CERT_FILE ""

#define VAR_SMTPD_TLS_CHAIN_FILES "smtpd_tls_chain_files"
#define DEF_SMTPD_TLS_CHAIN_FILES ""

#define VAR_SMTPD_TLS_CIPHERS "smtpd_tls_ciphers"
#define DEF_SMTPD_TLS_CIPHERS "medium"

#define VAR_SMTPD_TLS_DCERT_FILE "smtpd_tls_dcert_file"
#define DEF_SMTPD_TLS_DCERT_FILE ""

#define VAR_SMTPD_TLS_DH1024_PARAM_FILE "smtpd_tls_dh1024_param_file"
#define DEF_SMTPD_TLS_DH1024_PARAM_FILE ""

#define VAR_SMTPD_TLS_DH512_PARAM_FILE "smtpd_tls_dh512_param_file"
#define DEF_SMTPD_TLS_DH512_PARAM_FILE ""

#define VAR_SMTPD_TLS_DKEY_FILE "smtpd_tls_dkey_file"
#define DEF_SMTPD_TLS_DKEY_FILE "$smtpd_tls_dcert_file"

#define VAR_SMTPD_TLS_ECCERT_FILE "smtpd_tls_eccert_file"
#define DEF_SMTPD_TLS_ECCERT_FILE ""

#define VAR_SMTPD_TLS_ECKEY_FILE "smtpd_tls_eckey_file"
#define DEF_SMTPD_TLS_ECKEY_FILE "$smtpd_tls_eccert_file"

#define VAR_SMTPD_TLS_EECDH_GRADE "smtpd_tls_eecdh_grade"
#define DEF_SMTPD_TLS_EECDH_GRADE "auto"

#define VAR_SMTPD_TLS_ENABLE_RPK "smtpd_tls_enable_rpk"
#define DEF_SMTPD_TLS_ENABLE_RPK "no"

#define VAR_SMTPD_TLS_EXCLUDE_CIPHERS "smtpd_tls_exclude_ciphers"
#define DEF_SMTPD_TLS_EXCLUDE_CIPHERS ""

#define VAR_SMTPD_TLS_FINGERPRINT_DIGEST "smtpd_tls_fingerprint_digest"
#define DEF_SMTPD_TLS_FINGERPRINT_DIGEST DEF_FINGERPRINT_DIGEST_CL36

#define VAR_SMTPD_TLS_KEY_FILE "smtpd_tls_key_file"
#define DEF_SMTPD_TLS_KEY_FILE "$smtpd_tls_cert_file"

#define VAR_SMTPD_TLS_LOGLEVEL "smtpd_tls_loglevel"
#define DEF_SMTPD_TLS_LOGLEVEL "0"

#define VAR_SMTPD_TLS_MANDATORY_CIPHERS "smtpd_tls_mandatory_ciphers"
#define DEF_SMTPD_TLS_MANDATORY_CIPHERS "medium"

#define VAR_SMTPD_TLS_MANDATORY_EXCLUDE_CIPHERS "smtpd_tls_mandatory_exclude_ciphers"
#define DEF_SMTPD_TLS_MANDATORY_EXCLUDE_CIPHERS ""

#define VAR_SMTPD_TLS_MANDATORY_PROTOCOLS "smtpd_tls_mandatory_protocols"
#define DEF_SMTPD_TLS_MANDATORY_PROTOCOLS ">=TLSv1"

#define VAR_SMTPD_TLS_PROTOCOLS "smtpd_tls_protocols"
#define DEF_SMTPD_TLS_PROTOCOLS ">=TLSv1"

#define VAR_SMTPD_TLS_RECEIVED_HEADER "smtpd_tls_received_header"
#define DEF_SMTPD_TLS_RECEIVED_HEADER "no"

#define VAR_SMTPD_TLS_REQ_CCERT "smtpd_tls_req_ccert"
#define DEF_SMTPD_TLS_REQ_CCERT "no"

#define VAR_SMTPD_TLS_SECURITY_LEVEL "smtpd_tls_security_level"
#define DEF_SMTPD_TLS_SECURITY_LEVEL ""

#define VAR_SMTPD_TLS_SESSION_CACHE_DATABASE "smtpd_tls_session_cache_database"
#define DEF_SMTPD_TLS_SESSION_CACHE_DATABASE ""

#define VAR_SMTPD_TLS_SESSION_CACHE_TIMEOUT "smtpd_tls_session_cache_timeout"
#define DEF_SMTPD_TLS_SESSION_CACHE_TIMEOUT "3600s"

#define VAR_SMTPD_TLS_WRAPPERMODE "smtpd_tls_wrappermode"
#define DEF_SMTPD_TLS_WRAPPERMODE "no"

#define VAR_SMTPD_USE_TLS "smtpd_use_tls"
#define DEF_SMTPD_USE_TLS "no"

#define VAR_TLS_APPEND_DEFAULT_CA "tls_append_default_CA"
#define DEF_TLS_APPEND_DEFAULT_CA "no"

#define VAR_TLS_CONFIG_FILE "tls_config_file"
#define DEF_TLS_CONFIG_FILE "default"

#define VAR_TLS_CONFIG_NAME "tls_config_name"
#define DEF_TLS_CONFIG_NAME ""

#define VAR_TLS_DAEMON_RANDOM_BYTES "tls_daemon_random_bytes"
#define DEF_TLS_DAEMON_RANDOM_BYTES "32"

#define VAR_TLS_DANE_DIGESTS "tls_dane_digests"
#define DEF_TLS_DANE_DIGESTS "sha512 sha256"

#define VAR_TLS_DISABLE_WORKAROUNDS "tls_disable_workarounds"
#define DEF_TLS_DISABLE_WORKAROUNDS ""

#define VAR_TLS_EECDH_AUTO_CURVES "tls_eecdh_auto_curves"
#define DEF_TLS_EECDH_AUTO_CURVES "X25519MLKEM768 X25519 X448 prime256v1 secp521r1 secp384r1"

#define VAR_TLS_EECDH_STRONG_CURVE "tls_eecdh_strong_curve"
#define DEF_TLS_EECDH_STRONG_CURVE "prime256v1"

#define VAR_TLS_EECDH_ULTRA_CURVE "tls_eecdh_ultra_curve"
#define DEF_TLS_EECDH_ULTRA_CURVE "secp384r1"

#define VAR_TLS_EXPORT_CIPHERLIST "tls_export_cipherlist"
#define DEF_TLS_EXPORT_CIPHERLIST ""

#define VAR_TLS_FAST_SHUTDOWN_ENABLE "tls_fast_shutdown_enable"
#define DEF_TLS_FAST_SHUTDOWN_ENABLE "yes"

#define VAR_TLS_FFDHE_AUTO_GROUPS "tls_ffdhe_auto_groups"
#define DEF_TLS_FFDHE_AUTO_GROUPS "ffdhe2048 ffdhe3072"

#define VAR_TLS_HIGH_CIPHERLIST "tls_high_cipherlist"
#define DEF_TLS_HIGH_CIPHERLIST                                                                    \
    "aNULL:-aNULL:HIGH:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:@STRENGTH"

#define VAR_TLS_LEGACY_PUBLIC_KEY_FINGERPRINTS "tls_legacy_public_key_fingerprints"
#define DEF_TLS_LEGACY_PUBLIC_KEY_FINGERPRINTS "no"

#define VAR_TLS_LOW_CIPHERLIST "tls_low_cipherlist"
#define DEF_TLS_LOW_CIPHERLIST ""

#define VAR_TLS_MEDIUM_CIPHERLIST "tls_medium_cipherlist"
#define DEF_TLS_MEDIUM_CIPHERLIST                                                                  \
    "aNULL:-aNULL:HIGH:MEDIUM:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:+RC4:@"      \
    "STRENGTH"

#define VAR_TLS_NULL_CIPHERLIST "tls_null_cipherlist"
#define DEF_TLS_NULL_CIPHERLIST "eNULL:!kDH:!kECDH:!aDSS:!MD5:!aNULL"

#define VAR_TLS_PREEMPT_CIPHERLIST "tls_preempt_cipherlist"
#define DEF_TLS_PREEMPT_CIPHERLIST "no"

#define VAR_TLS_RANDOM_BYTES "tls_random_bytes"
#define DEF_TLS_RANDOM_BYTES "32"

#define VAR_TLS_RANDOM_EXCHANGE_NAME "tls_random_exchange_name"
#define DEF_TLS_RANDOM_EXCHANGE_NAME "${data_directory}/prng_exch"

#define VAR_TLS_RANDOM_PRNG_UPDATE_PERIOD "tls_random_prng_update_period"
#define DEF_TLS_RANDOM_PRNG_UPDATE_PERIOD "3600s"

#define VAR_TLS_RANDOM_RESEED_PERIOD "tls_random_reseed_period"
#define DEF_TLS_RANDOM_RESEED_PERIOD "3600s"

#define VAR_TLS_RANDOM_SOURCE "tls_random_source"
#define DEF_TLS_RANDOM_SOURCE "dev:/dev/urandom"

#define VAR_TLS_SERVER_SNI_MAPS "tls_server_sni_maps"
#define DEF_TLS_SERVER_SNI_MAPS ""

#define VAR_TLS_SESSION_TICKET_CIPHER "tls_session_ticket_cipher"
#define DEF_TLS_SESSION_TICKET_CIPHER "aes-256-cbc"

#define VAR_TLS_SSL_OPTIONS "tls_ssl_options"
#define DEF_TLS_SSL_OPTIONS ""

#define VAR_TLS_WILDCARD_MATCHES_MULTIPLE_LABELS "tls_wildcard_matches_multiple_labels"
#define DEF_TLS_WILDCARD_MATCHES_MULTIPLE_LABELS "yes"

#define VAR_MTA_STS_CAFILE "mta_sts_CAfile"
#define DEF_MTA_STS_CAFILE ""

#define VAR_MTA_STS_CACHE_DATABASE "mta_sts_cache_database"
#define DEF_MTA_STS_CACHE_DATABASE "btree:$data_directory/mta_sts_cache"

#define VAR_MTA_STS_FETCH_TIMEOUT "mta_sts_fetch_timeout"
#define DEF_MTA_STS_FETCH_TIMEOUT "10s"

#define VAR_MTA_STS_REFRESH_INTERVAL "mta_sts_refresh_interval"
#define DEF_MTA_STS_REFRESH_INTERVAL "1h"

#define VAR_MTA_STS_SERVICE_NAME "mta_sts_service_name"
#define DEF_MTA_STS_SERVICE_NAME "mtasts"

#define VAR_SMTP_TLS_MTA_STS_ENABLE "smtp_tls_mta_sts_enable"
#define DEF_SMTP_TLS_MTA_STS_ENABLE "no"

#define VAR_TLSMGR_SERVICE_NAME "tlsmgr_service_name"
#define DEF_TLSMGR_SERVICE_NAME "tlsmgr"

#define VAR_TLSMGR_TICKET_KEY_DATABASE "tlsmgr_ticket_key_database"
#define DEF_TLSMGR_TICKET_KEY_DATABASE ""

#define VAR_TLSMGR_SHARED_SECRET_FILE "tlsmgr_shared_secret_file"
#define DEF_TLSMGR_SHARED_SECRET_FILE ""

#define VAR_TLSPROXY_CLIENT_CAFILE "tlsproxy_client_CAfile"
#define DEF_TLSPROXY_CLIENT_CAFILE "$smtp_tls_CAfile"

#define VAR_TLSPROXY_CLIENT_CAPATH "tlsproxy_client_CApath"
#define DEF_TLSPROXY_CLIENT_CAPATH "$smtp_tls_CApath"

#define VAR_TLSPROXY_CLIENT_CERT_FILE "tlsproxy_client_cert_file"
#define DEF_TLSPROXY_CLIENT_CERT_FILE "$smtp_tls_cert_file"

#define VAR_TLSPROXY_CLIENT_CHAIN_FILES "tlsproxy_client_chain_files"
#define DEF_TLSPROXY_CLIENT_CHAIN_FILES "$smtp_tls_chain_files"

#define VAR_TLSPROXY_CLIENT_DCERT_FILE "tlsproxy_client_dcert_file"
#define DEF_TLSPROXY_CLIENT_DCERT_FILE "$smtp_tls_dcert_file"

#define VAR_TLSPROXY_CLIENT_DKEY_FILE "tlsproxy_client_dkey_file"
#define DEF_TLSPROXY_CLIENT_DKEY_FILE "$smtp_tls_dkey_file"

#define VAR_TLSPROXY_CLIENT_ECCERT_FILE "tlsproxy_client_eccert_file"
#define DEF_TLSPROXY_CLIENT_ECCERT_FILE "$smtp_tls_eccert_file"

#define VAR_TLSPROXY_CLIENT_ECKEY_FILE "tlsproxy_client_eckey_file"
#define DEF_TLSPROXY_CLIENT_ECKEY_FILE "$smtp_tls_eckey_file"

#define VAR_TLSPROXY_CLIENT_ENFORCE_TLS "tlsproxy_client_enforce_tls"
#define DEF_TLSPROXY_CLIENT_ENFORCE_TLS "$smtp_enforce_tls"

#define VAR_TLSPROXY_CLIENT_FINGERPRINT_DIGEST "tlsproxy_client_fingerprint_digest"
#define DEF_TLSPROXY_CLIENT_FINGERPRINT_DIGEST "$smtp_tls_fingerprint_digest"

#define VAR_TLSPROXY_CLIENT_KEY_FILE "tlsproxy_client_key_file"
#define DEF_TLSPROXY_CLIENT_KEY_FILE "$smtp_tls_key_file"

#define VAR_TLSPROXY_CLIENT_LOGLEVEL "tlsproxy_client_loglevel"
#define DEF_TLSPROXY_CLIENT_LOGLEVEL "$smtp_tls_loglevel"

#define VAR_TLSPROXY_CLIENT_LOGLEVEL_PARAMETER "tlsproxy_client_loglevel_parameter"
#define DEF_TLSPROXY_CLIENT_LOGLEVEL_PARAMETER "smtp_tls_loglevel"

#define VAR_TLSPROXY_CLIENT_PER_SITE "tlsproxy_client_per_site"
#define DEF_TLSPROXY_CLIENT_PER_SITE "$smtp_tls_per_site"

#define VAR_TLSPROXY_CLIENT_POLICY_MAPS "tlsproxy_client_policy_maps"
#define DEF_TLSPROXY_CLIENT_POLICY_MAPS                                                            \
    "${tlsproxy_client_policy?{$tlsproxy_client_policy}:{$smtp_tls_policy_maps}}"

#define VAR_TLSPROXY_CLIENT_SCERT_VERIFYDEPTH "tlsproxy_client_scert_verifydepth"
#define DEF_TLSPROXY_CLIENT_SCERT_VERIFYDEPTH "$smtp_tls_scert_verifydepth"

#define VAR_TLSPROXY_CLIENT_SECURITY_LEVEL "tlsproxy_client_security_level"
#define DEF_TLSPROXY_CLIENT_SECURITY_LEVEL                                                         \
    "${tlsproxy_client_level?{$tlsproxy_client_level}:{$smtp_tls_security_level}}"

#define VAR_TLSPROXY_CLIENT_USE_TLS "tlsproxy_client_use_tls"
#define DEF_TLSPROXY_CLIENT_USE_TLS "$smtp_use_tls"

#define VAR_TLSPROXY_ENFORCE_TLS "tlsproxy_enforce_tls"
#define DEF_TLSPROXY_ENFORCE_TLS "$smtpd_enforce_tls"

#define VAR_TLSPROXY_SERVICE_NAME "tlsproxy_service_name"
#define DEF_TLSPROXY_SERVICE_NAME "tlsproxy"

#define VAR_TLSPROXY_TLS_CAFILE "tlsproxy_tls_CAfile"
#define DEF_TLSPROXY_TLS_CAFILE "$smtpd_tls_CAfile"

#define VAR_TLSPROXY_TLS_CAPATH "tlsproxy_tls_CApath"
#define DEF_TLSPROXY_TLS_CAPATH "$smtpd_tls_CApath"

#define VAR_TLSPROXY_TLS_ALWAYS_ISSUE_SESSION_IDS "tlsproxy_tls_always_issue_session_ids"
#define DEF_TLSPROXY_TLS_ALWAYS_ISSUE_SESSION_IDS "$smtpd_tls_always_issue_session_ids"

#define VAR_TLSPROXY_TLS_ASK_CCERT "tlsproxy_tls_ask_ccert"
#define DEF_TLSPROXY_TLS_ASK_CCERT "$smtpd_tls_ask_ccert"

#define VAR_TLSPROXY_TLS_CCERT_VERIFYDEPTH "tlsproxy_tls_ccert_verifydepth"
#define DEF_TLSPROXY_TLS_CCERT_VERIFYDEPTH "$smtpd_tls_ccert_verifydepth"

#define VAR_TLSPROXY_TLS_CERT_FILE "tlsproxy_tls_cert_file"
#define DEF_TLSPROXY_TLS_CERT_FILE "$smtpd_tls_cert_file"

#define VAR_TLSPROXY_TLS_CHAIN_FILES "tlsproxy_tls_chain_files"
#define DEF_TLSPROXY_TLS_CHAIN_FILES "$smtpd_tls_chain_files"

#define VAR_TLSPROXY_TLS_CIPHERS "tlsproxy_tls_ciphers"
#define DEF_TLSPROXY_TLS_CIPHERS "$smtpd_tls_ciphers"

#define VAR_TLSPROXY_TLS_DCERT_FILE "tlsproxy_tls_dcert_file"
#define DEF_TLSPROXY_TLS_DCERT_FILE "$smtpd_tls_dcert_file"

#define VAR_TLSPROXY_TLS_DH1024_PARAM_FILE "tlsproxy_tls_dh1024_param_file"
#define DEF_TLSPROXY_TLS_DH1024_PARAM_FILE "$smtpd_tls_dh1024_param_file"

#define VAR_TLSPROXY_TLS_DH512_PARAM_FILE "tlsproxy_tls_dh512_param_file"
#define DEF_TLSPROXY_TLS_DH512_PARAM_FILE "$smtpd_tls_dh512_param_file"

#define VAR_TLSPROXY_TLS_DKEY_FILE "tlsproxy_tls_dkey_file"
#define DEF_TLSPROXY_TLS_DKEY_FILE "$smtpd_tls_dkey_file"

#define VAR_TLSPROXY_TLS_ECCERT_FILE "tlsproxy_tls_eccert_file"
#define DEF_TLSPROXY_TLS_ECCERT_FILE "$smtpd_tls_eccert_file"

#define VAR_TLSPROXY_TLS_ECKEY_FILE "tlsproxy_tls_eckey_file"
#define DEF_TLSPROXY_TLS_ECKEY_FILE "$smtpd_tls_eckey_file"

#define VAR_TLSPROXY_TLS_EECDH_GRADE "tlsproxy_tls_eecdh_grade"
#define DEF_TLSPROXY_TLS_EECDH_GRADE "$smtpd_tls_eecdh_grade"

#define VAR_TLSPROXY_TLS_ENABLE_RPK "tlsproxy_tls_enable_rpk"
#define DEF_TLSPROXY_TLS_ENABLE_RPK "$smtpd_tls_enable_rpk"

#define VAR_TLSPROXY_TLS_EXCLUDE_CIPHERS "tlsproxy_tls_exclude_ciphers"
#define DEF_TLSPROXY_TLS_EXCLUDE_CIPHERS "$smtpd_tls_exclude_ciphers"

#define VAR_TLSPROXY_TLS_FINGERPRINT_DIGEST "tlsproxy_tls_fingerprint_digest"
#define DEF_TLSPROXY_TLS_FINGERPRINT_DIGEST "$smtpd_tls_fingerprint_digest"

#define VAR_TLSPROXY_TLS_KEY_FILE "tlsproxy_tls_key_file"
#define DEF_TLSPROXY_TLS_KEY_FILE "$smtpd_tls_key_file"

#define VAR_TLSPROXY_TLS_LOGLEVEL "tlsproxy_tls_loglevel"
#define DEF_TLSPROXY_TLS_LOGLEVEL "$smtpd_tls_loglevel"

#define VAR_TLSPROXY_TLS_MANDATORY_CIPHERS "tlsproxy_tls_mandatory_ciphers"
#define DEF_TLSPROXY_TLS_MANDATORY_CIPHERS "$smtpd_tls_mandatory_ciphers"

#define VAR_TLSPROXY_TLS_MANDATORY_EXCLUDE_CIPHERS "tlsproxy_tls_mandatory_exclude_ciphers"
#define DEF_TLSPROXY_TLS_MANDATORY_EXCLUDE_CIPHERS "$smtpd_tls_mandatory_exclude_ciphers"

#define VAR_TLSPROXY_TLS_MANDATORY_PROTOCOLS "tlsproxy_tls_mandatory_protocols"
#define DEF_TLSPROXY_TLS_MANDATORY_PROTOCOLS "$smtpd_tls_mandatory_protocols"

#define VAR_TLSPROXY_TLS_PROTOCOLS "tlsproxy_tls_protocols"
#define DEF_TLSPROXY_TLS_PROTOCOLS "$smtpd_tls_protocols"

#define VAR_TLSPROXY_TLS_REQ_CCERT "tlsproxy_tls_req_ccert"
#define DEF_TLSPROXY_TLS_REQ_CCERT "$smtpd_tls_req_ccert"

#define VAR_TLSPROXY_TLS_SECURITY_LEVEL "tlsproxy_tls_security_level"
#define DEF_TLSPROXY_TLS_SECURITY_LEVEL "$smtpd_tls_security_level"

#define VAR_TLSPROXY_TLS_SESSION_CACHE_TIMEOUT "tlsproxy_tls_session_cache_timeout"
#define DEF_TLSPROXY_TLS_SESSION_CACHE_TIMEOUT "$smtpd_tls_session_cache_timeout"

#define VAR_TLSPROXY_USE_TLS "tlsproxy_use_tls"
#define DEF_TLSPROXY_USE_TLS "$smtpd_use_tls"

#define VAR_TLSPROXY_WATCHDOG_TIMEOUT "tlsproxy_watchdog_timeout"
#define DEF_TLSPROXY_WATCHDOG_TIMEOUT "10s"

/* REQUIRETLS (RFC 8689) and the TLS-Required: no header, as in Postfix 3.11. */
#define VAR_REQUIRETLS_ENABLE "requiretls_enable"
#define DEF_REQUIRETLS_ENABLE "yes"

#define VAR_TLS_REQUIRED_ENABLE "tls_required_enable"
#define DEF_TLS_REQUIRED_ENABLE "yes"

#define VAR_SMTP_REQUIRETLS_POLICY "smtp_requiretls_policy"
#define DEF_SMTP_REQUIRETLS_POLICY "enforce"

#define VAR_LMTP_REQUIRETLS_POLICY "lmtp_requiretls_policy"
#define DEF_LMTP_REQUIRETLS_POLICY "enforce"

/* Postfix 3.11: the TLS feature status in the delivery log lines. */
#define VAR_SMTP_LOG_TLS_FEATURE_STATUS "smtp_log_tls_feature_status"
#define DEF_SMTP_LOG_TLS_FEATURE_STATUS "yes"

#define VAR_LMTP_LOG_TLS_FEATURE_STATUS "lmtp_log_tls_feature_status"
#define DEF_LMTP_LOG_TLS_FEATURE_STATUS "yes"

/* TLSRPT (RFC 8460): Postfix 3.10's client parameters, with our collector. */
#define VAR_SMTP_TLSRPT_ENABLE "smtp_tlsrpt_enable"
#define DEF_SMTP_TLSRPT_ENABLE "no"

#define VAR_SMTP_TLSRPT_SOCKET_NAME "smtp_tlsrpt_socket_name"
#define DEF_SMTP_TLSRPT_SOCKET_NAME "private/tlsrpt"

#define VAR_SMTP_TLSRPT_SKIP_REUSED_HANDSHAKES "smtp_tlsrpt_skip_reused_handshakes"
#define DEF_SMTP_TLSRPT_SKIP_REUSED_HANDSHAKES "yes"

/* TLSRPT reports, made by tlsrpt(8). */
#define VAR_TLSRPT_ORGANIZATION_NAME "tlsrpt_organization_name"
#define DEF_TLSRPT_ORGANIZATION_NAME "$mydomain"

#define VAR_TLSRPT_CONTACT_INFO "tlsrpt_contact_info"
#define DEF_TLSRPT_CONTACT_INFO "postmaster@$mydomain"

#define VAR_TLSRPT_REPORT_SENDER "tlsrpt_report_sender"
#define DEF_TLSRPT_REPORT_SENDER "postmaster@$myhostname"

#define VAR_TLSRPT_REPORT_SUBMITTER "tlsrpt_report_submitter"
#define DEF_TLSRPT_REPORT_SUBMITTER "$myhostname"

#define VAR_TLSRPT_REPORT_INTERVAL "tlsrpt_report_interval"
#define DEF_TLSRPT_REPORT_INTERVAL "1d"

#define VAR_TLSRPT_REPORT_TIMEOUT "tlsrpt_report_timeout"
#define DEF_TLSRPT_REPORT_TIMEOUT "60s"

#define VAR_TLSRPT_REPORT_RETRY_TIME "tlsrpt_report_retry_time"
#define DEF_TLSRPT_REPORT_RETRY_TIME "1d"

#define VAR_TLSRPT_MINIMAL_BACKOFF_TIME "tlsrpt_minimal_backoff_time"
#define DEF_TLSRPT_MINIMAL_BACKOFF_TIME "300s"

#define VAR_TLSRPT_MAXIMAL_BACKOFF_TIME "tlsrpt_maximal_backoff_time"
#define DEF_TLSRPT_MAXIMAL_BACKOFF_TIME "4000s"

#endif
