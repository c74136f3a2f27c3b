// The external clients (swaks, curl, Postfix) and their Debian packages exist on Linux; the tests run there.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
