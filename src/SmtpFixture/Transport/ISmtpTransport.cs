using System.IO.Pipelines;
using System.Net.Security;

namespace SmtpFixture.Transport;

/// <summary>The byte streams a session runs over: a socket (maybe upgraded to TLS) or an in-memory pipe in tests.</summary>
internal interface ISmtpTransport : IAsyncDisposable
{
    /// <summary>The input; after <see cref="StartTlsAsync"/> a new reader over the TLS stream.</summary>
    PipeReader Input { get; }

    /// <summary>The output; after <see cref="StartTlsAsync"/> a new writer over the TLS stream.</summary>
    PipeWriter Output { get; }

    /// <summary>The TLS stream once a handshake has succeeded, else <see langword="null"/>.</summary>
    SslStream? TlsStream { get; }

    /// <summary>
    /// Performs the server side of a TLS handshake and replaces <see cref="Input"/> and <see cref="Output"/> with pipes
    /// over the TLS stream. Whatever the old reader had buffered is discarded (RFC 3207 §4.2).
    /// </summary>
    /// <exception cref="NotSupportedException">The transport cannot carry TLS.</exception>
    ValueTask StartTlsAsync(SslServerAuthenticationOptions options, CancellationToken cancellationToken);

    /// <summary>Closes the connection at once, without flushing (a dropped connection).</summary>
    void Abort();
}
