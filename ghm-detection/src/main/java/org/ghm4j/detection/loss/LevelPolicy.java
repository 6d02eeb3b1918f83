package org.ghm4j.detection.loss;

/** How the FPN levels are fed to the losses (GHM-5.6). */
public enum LevelPolicy {
    /**
     * mmdetection's AnchorHead: for each level in order one classification call and one regression
     * call over that level's anchors of all images (image-major); a GHM state moves once per level.
     */
    PER_LEVEL,
    /** One classification call and one regression call per step over all levels (levels in order, each image-major). */
    JOINT
}
