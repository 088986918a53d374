# `cpack -G DEB` in a build folder makes rapport_VERSION_ARCH.deb: the binary (the dashboard is
# built into it), its manual, an example configuration in /etc/rapport, and the systemd units.
# The maintainer scripts add the user rapport and /var/lib/rapport (docs/deploy.md).
install(TARGETS rapport RUNTIME DESTINATION bin)
install(FILES ${CMAKE_BINARY_DIR}/rapport.1.gz DESTINATION share/man/man1)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/rapport.toml DESTINATION /etc/rapport
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/rapport-serve.service
              ${CMAKE_SOURCE_DIR}/packaging/rapport-sync.service
        DESTINATION /lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/deploy.md
              ${CMAKE_SOURCE_DIR}/docs/server.md ${CMAKE_SOURCE_DIR}/docs/connectors.md
              ${CMAKE_SOURCE_DIR}/docs/security-keys.md ${CMAKE_SOURCE_DIR}/docs/privacy.md
              ${CMAKE_SOURCE_DIR}/packaging/rapport.toml ${CMAKE_SOURCE_DIR}/packaging/copyright
        DESTINATION share/doc/rapport)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rapport)
set(CPACK_PACKAGE_VENDOR "the rapport authors")
set(CPACK_PACKAGE_CONTACT "rapport maintainers <rapport@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "relationship insights from mail and meeting metadata, under consent")
set(CPACK_PACKAGE_DESCRIPTION "rapport reads e-mail and meeting metadata (never bodies) from \
mail files, IMAP and Microsoft 365, and answers who knows whom, how healthy each customer \
relationship is and how engaged the organisation is with each account, each only under the \
consent that covers it.")
set(CPACK_STRIP_FILES TRUE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # rapport_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # the libraries' packages, found by dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/conffiles ${CMAKE_SOURCE_DIR}/packaging/postinst
    ${CMAKE_SOURCE_DIR}/packaging/prerm ${CMAKE_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
