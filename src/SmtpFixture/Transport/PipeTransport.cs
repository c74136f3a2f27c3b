using System.IO.Pipelines;

namespace SmtpFixture.Transport;

/// <summary>A transport over an in-memory duplex pipe, for tests of the protocol without sockets.</summary>
internal sealed class PipeTransport(IDuplexPipe pipe) : ISmtpTransport
{
    public PipeReader Input => pipe.Input;

    public PipeWriter Output => pipe.Output;

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
