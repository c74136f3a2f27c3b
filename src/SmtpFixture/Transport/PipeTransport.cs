using System.IO.Pipelines;
using System.Net.Security;

namespace SmtpFixture.Transport;

/// <summary>A transport over an in-memory duplex pipe, for tests of the protocol without sockets.</summary>
internal sealed class PipeTransport(IDuplexPipe pipe) : ISmtpTransport
{
    public PipeReader Input => pipe.Input;

    public PipeWriter Output => pipe.Output;

    public SslStream? TlsStream => null;

    public ValueTask StartTlsAsync(SslServerAuthenticationOptions options, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The in-memory transport does not carry TLS; use a server on a socket.");

    public void Abort()
    {
        pipe.Input.Complete();
        pipe.Output.Complete();
    }

    public ValueTask DisposeAsync()
    {
        Abort();
        return ValueTask.CompletedTask;
    }
}
