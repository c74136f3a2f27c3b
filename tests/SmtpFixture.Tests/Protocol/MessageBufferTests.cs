using SmtpFixture.Protocol;

namespace SmtpFixture.Tests.Protocol;

/// <summary>The content buffer on its own: the largest array is a hard ceiling even without MaxMessageSize.</summary>
public sealed class MessageBufferTests
{
    [Fact]
    public void WithoutALimitContentBeyondTheCeilingOverflowsInsteadOfThrowing()
    {
        using var buffer = new MessageBuffer(ceiling: 16);
        buffer.Start(0);
        buffer.Append(new byte[10]);
        buffer.Append(new byte[10]);
        Assert.True(buffer.Overflowed);
        Assert.Equal(20, buffer.Length);
        Assert.Empty(buffer.ToArray());
    }

    [Fact]
    public void ALimitAboveTheCeilingIsCappedAtTheCeiling()
    {
        using var buffer = new MessageBuffer(ceiling: 16);
        buffer.Start(1000);
        buffer.Append(new byte[17]);
        Assert.True(buffer.Overflowed);
    }

    [Fact]
    public void ContentUpToTheCeilingIsKept()
    {
        using var buffer = new MessageBuffer(ceiling: 16);
        buffer.Start(0);
        buffer.Append(new byte[16]);
        Assert.False(buffer.Overflowed);
        Assert.Equal(16, buffer.ToArray().Length);
    }
}
