using CsCheck;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using static Fork.Tests.Spaces;

namespace Fork.Tests;

public class CopyOnWriteSpec
{
    [Fact]
    public void Write_after_fork_copies_one_page()
    {
        var (parent, parentAccount) = New();
        var block = parent.Malloc(64 * PageSize);
        parent.Write(block, Pattern(64 * PageSize));
        var (child, childAccount) = ForkOf(parent);
        var parentBalance = parentAccount.Balance.Ram;

        child.Write(block + 5 * PageSize + 7, [1, 2, 3]);
        parent.Write(block + 9 * PageSize, [4]);

        Assert.Equal(PageSize, child.ChargedBytes);
        Assert.Equal(Plenty - PageSize, childAccount.Balance.Ram);
        Assert.Equal(64 * PageSize, parent.ChargedBytes);
        Assert.Equal(parentBalance, parentAccount.Balance.Ram);
    }

    [Fact]
    public void Child_write_leaves_every_other_page_shared_with_the_parent()
    {
        var (parent, _) = New();
        var block = parent.Malloc(64 * PageSize);
        parent.Write(block, Pattern(64 * PageSize));
        var image = parent.Freeze();
        var child = AddressSpace.FromImage(image, new QuotaAccount(new Quota(Plenty, 10)));

        child.Write(block + 5 * PageSize, [1]);

        var region = parent.Heap[0].At;
        var before = image.Pages[region].Present().ToList();
        var after = child.Freeze().Pages[region].Present().ToList();
        Assert.Equal(before.Select(p => p.Index), after.Select(p => p.Index));
        var copied = before.Zip(after).Where(p => ArrayOf(p.First.Page) != ArrayOf(p.Second.Page)).Select(p => p.First.Index);
        Assert.Equal([(long)(block - region) / PageSize + 5], copied);
    }

    [Fact]
    public void Parent_child_and_grandchild_writes_are_invisible_to_each_other()
    {
        var (parent, _) = New();
        var at = parent.Malloc(3 * PageSize);
        parent.Write(at, [1, 1, 1]);
        var (child, _) = ForkOf(parent);
        child.Write(at + 1, [2]);
        var (grandchild, _) = ForkOf(child);

        grandchild.Write(at + 2, [3]);
        parent.Write(at, [4]);
        child.Write(at + PageSize, [5]);

        Assert.Equal([4, 1, 1], Read(parent, at, 3));
        Assert.Equal([1, 2, 1], Read(child, at, 3));
        Assert.Equal([1, 2, 3], Read(grandchild, at, 3));
        Assert.Equal([0, 5, 0], [Read(parent, at + PageSize, 1)[0], Read(child, at + PageSize, 1)[0], Read(grandchild, at + PageSize, 1)[0]]);
    }

    [Fact]
    public void Random_writes_and_forks_keep_every_space_like_its_own_byte_array()
    {
        const int size = 300 * PageSize;
        var op = Gen.Select(Gen.Int[0, 7], Gen.Int[0, size - 1], Gen.Byte.Array[1, 2 * PageSize], Gen.Int[0, 9]);
        op.Array[1, 40].Sample(ops =>
        {
            var (first, firstAccount) = New();
            var at = first.Malloc(size);
            var spaces = new List<(AddressSpace Space, QuotaAccount Account, byte[] Model)> { (first, firstAccount, new byte[size]) };
            foreach (var (who, start, data, dice) in ops)
            {
                var (space, _, model) = spaces[who % spaces.Count];
                if (dice == 0)
                {
                    var (child, account) = ForkOf(space);
                    spaces.Add((child, account, (byte[])model.Clone()));
                    continue;
                }

                var offset = Math.Min(start, size - data.Length);
                space.Write(at + (ulong)offset, data);
                data.CopyTo(model, offset);
            }

            foreach (var (space, account, model) in spaces)
            {
                Assert.Equal(model, Read(space, at, size));
                Assert.Equal(Plenty - space.ChargedBytes, account.Balance.Ram);
            }

            foreach (var (space, account, _) in spaces)
            {
                space.Release();
                Assert.Equal(Plenty, account.Balance.Ram);
            }
        }, iter: 40);
    }
}
