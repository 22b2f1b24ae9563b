import CGit2

extension Repository {
    /// Commit ids reachable from `tips` and not from `hiding`, newest first
    /// (topological, then by time), or oldest first with `reverse`.
    public func walk(
        from tips: [ObjectID], hiding: [ObjectID] = [], reverse: Bool = false,
        firstParentOnly: Bool = false
    ) throws -> [ObjectID] {
        if isShallow { return try shallowWalk(from: tips, hiding: hiding, reverse: reverse, firstParentOnly: firstParentOnly) }
        var walker: OpaquePointer?
        try gitCheck(git_revwalk_new(&walker, pointer), "start history walk")
        defer { git_revwalk_free(walker) }
        var sorting = GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue
        if reverse { sorting |= GIT_SORT_REVERSE.rawValue }
        try gitCheck(git_revwalk_sorting(walker, sorting), "sort history walk")
        if firstParentOnly { try gitCheck(git_revwalk_simplify_first_parent(walker), "simplify walk") }
        for tip in tips {
            var oid = tip.raw
            try gitCheck(git_revwalk_push(walker, &oid), "walk from \(tip.short)")
        }
        for hide in hiding {
            var oid = hide.raw
            try gitCheck(git_revwalk_hide(walker, &oid), "hide \(hide.short)")
        }
        var result: [ObjectID] = []
        var oid = git_oid()
        while true {
            let rc = git_revwalk_next(&oid, walker)
            if rc == GIT_ITEROVER.rawValue { break }
            try gitCheck(rc, "walk history")
            result.append(ObjectID(oid))
        }
        return result
    }

    /// The same walk in a shallow clone, whose cut commits have parents that
    /// are not here (libgit2 1.5's walk fails on them): commits stop at the
    /// cut, in the same order (a commit before its parents, newer first).
    private func shallowWalk(from tips: [ObjectID], hiding: [ObjectID], reverse: Bool, firstParentOnly: Bool) throws -> [ObjectID] {
        func reach(_ starts: [ObjectID]) throws -> [ObjectID: (time: Int64, parents: [ObjectID])] {
            var seen: [ObjectID: (time: Int64, parents: [ObjectID])] = [:]
            var stack = starts
            while let id = stack.popLast() {
                guard seen[id] == nil else { continue }
                let commit = try self.commit(id)
                let parents = firstParentOnly ? Array(commit.parentIDs.prefix(1)) : commit.parentIDs
                seen[id] = (Int64(git_commit_time(commit.pointer)), parents)
                stack += parents
            }
            return seen
        }
        let hidden = try reach(hiding)
        let nodes = try reach(tips).filter { hidden[$0.key] == nil }
        var children: [ObjectID: Int] = [:]
        for node in nodes.values { for parent in node.parents where nodes[parent] != nil { children[parent, default: 0] += 1 } }
        var ready = nodes.keys.filter { children[$0] == nil }
        var result: [ObjectID] = []
        while !ready.isEmpty {
            // The newest of the commits whose children are all out.
            let i = ready.indices.max { (nodes[ready[$0]]!.time, ready[$0].description) < (nodes[ready[$1]]!.time, ready[$1].description) }!
            let id = ready.remove(at: i)
            result.append(id)
            for parent in nodes[id]!.parents where nodes[parent] != nil {
                children[parent]! -= 1
                if children[parent] == 0 { ready.append(parent) }
            }
        }
        return reverse ? result.reversed() : result
    }
}

extension Repository {
    /// Whether `commit` is `ancestor` or descends from it.
    public func isDescendant(_ commit: ObjectID, of ancestor: ObjectID) -> Bool {
        if commit == ancestor { return true }
        var a = commit.raw
        var b = ancestor.raw
        return git_graph_descendant_of(pointer, &a, &b) == 1
    }
}

extension Repository {
    /// The best common ancestor of two commits, if any.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws -> ObjectID? {
        var out = git_oid()
        var x = a.raw
        var y = b.raw
        let rc = git_merge_base(&out, pointer, &x, &y)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(rc, "find the merge base of \(a.short) and \(b.short)")
        return ObjectID(out)
    }

    /// Makes the work tree and index match `commit`'s tree, as a safe checkout
    /// from HEAD's tree: files with local changes that would be overwritten
    /// make it fail, and nothing is changed then.
    public func checkoutSafely(_ commit: ObjectID) throws {
        let target = try self.commit(commit)
        var opts = git_checkout_options()
        git_checkout_options_init(&opts, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        opts.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue
        _ = try withExtendedLifetime(target) {
            try gitCheck(git_checkout_tree(pointer, target.pointer, &opts), "update the work tree to \(commit.short)")
        }
    }
}
