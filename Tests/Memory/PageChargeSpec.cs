using Xunit;
using static Fork.Tests.Spaces;

namespace Fork.Tests;

/// <summary>Who pays for a page: its first writer, and after fork whoever copies a page another space made.</summary>
public class PageChargeSpec
{
    [Fact]
    public void Owner_rewriting_its_page_after_two_forks_keeps_one_charge()
    {
        var (parent, account) = New();
        parent.Write(parent.Stack.At, [1]);
        var (first, _) = ForkOf(parent);
        var (second, _) = ForkOf(parent);

        parent.Write(parent.Stack.At, [2]);
        parent.Write(parent.Stack.At, [3]);

        Assert.Equal(PageSize, parent.ChargedBytes);
        Assert.Equal(Plenty - PageSize, account.Balance.Ram);
        Assert.Equal([1], Read(first, first.Stack.At, 1));
        Assert.Equal([1], Read(second, second.Stack.At, 1));
    }

    [Fact]
    public void Page_shared_into_a_grandchild_is_charged_to_it_only_when_it_copies()
    {
        var (grandparent, _) = New();
        grandparent.Write(grandparent.Stack.At, [1]);
        var (parent, parentAccount) = ForkOf(grandparent);
        var (grandchild, grandchildAccount) = ForkOf(parent);

        Assert.Equal(0, grandchild.ChargedBytes);
        grandchild.Write(grandchild.Stack.At + 1, [2]);

        Assert.Equal(PageSize, grandchild.ChargedBytes);
        Assert.Equal(Plenty - PageSize, grandchildAccount.Balance.Ram);
        Assert.Equal(Plenty, parentAccount.Balance.Ram);
        Assert.Equal([1, 0], Read(parent, parent.Stack.At, 2));
    }

    [Fact]
    public void Release_credits_exactly_what_was_charged()
    {
        var (parent, parentAccount) = New();
        var block = parent.Malloc(40 * PageSize);
        parent.Write(block, Pattern(40 * PageSize));
        var (child, childAccount) = ForkOf(parent);
        child.Write(block + 3 * PageSize, Pattern(2 * PageSize));
        child.Write(child.Malloc(10), [1]);
        parent.Write(block, [9]);
        parent.Write(parent.Stack.At, [9]);
        var parentCharged = parent.ChargedBytes;
        var childCharged = child.ChargedBytes;

        parent.Release();
        child.Release();

        Assert.Equal(41 * PageSize, parentCharged);
        Assert.Equal(3 * PageSize, childCharged);
        Assert.Equal(Plenty, parentAccount.Balance.Ram);
        Assert.Equal(Plenty, childAccount.Balance.Ram);
    }
}
