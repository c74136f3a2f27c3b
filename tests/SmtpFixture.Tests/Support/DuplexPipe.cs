using System.IO.Pipelines;

namespace SmtpFixture.Tests.Support;

/// <summary>The two ends a session's <c>PipeTransport</c> reads from and writes to, for in-memory sessions.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input => input;

    public PipeWriter Output => output;
}
