/**
 * Driver debug switches: how to make each driver print what it does with an invalidation or a fault, so the
 * messages land in the trace through printk:console on the same clock (reference §3.5-§3.7, §5.6). Each
 * switch has a command to turn it on and one to turn it back off; the prefix formats of the messages are
 * UNVERIFIED across versions, which is why the decoders match on the message text, not the prefix.
 */

import type { RecipeDriver } from './target';

export interface DebugSwitch {
  what: string;
  on: string[];
  off: string[];
}

export function debugSwitches(driver: RecipeDriver): DebugSwitch[] {
  switch (driver) {
    case 'nouveau':
      return [
        {
          what: 'nouveau SVM_DBG/SVMM_DBG ("svm-%p: invalidate ...", "fault ...") print with drm.debug DRM_UT_DRIVER (0x02)',
          on: ['OLD_DRM_DEBUG=$(cat /sys/module/drm/parameters/debug)', 'echo 0x2 > /sys/module/drm/parameters/debug'],
          off: ['echo "${OLD_DRM_DEBUG:-0}" > /sys/module/drm/parameters/debug'],
        },
      ];
    case 'amdkfd':
      return [
        {
          what: 'amdkfd pr_debug in kfd_svm.c / kfd_migrate.c ("[0x%lx 0x%lx] range[...] notifier[...] <event>")',
          on: [
            "echo 'file kfd_svm.c +pt' > /sys/kernel/debug/dynamic_debug/control",
            "echo 'file kfd_migrate.c +pt' > /sys/kernel/debug/dynamic_debug/control",
          ],
          off: [
            "echo 'file kfd_svm.c -p' > /sys/kernel/debug/dynamic_debug/control",
            "echo 'file kfd_migrate.c -p' > /sys/kernel/debug/dynamic_debug/control",
          ],
        },
      ];
    case 'xe':
      return [
        {
          what: 'xe SVM vm_dbg/drm_dbg ("INVALIDATE: asid=..., event=%d", "NOTIFIER", "COPY TO SRAM") in xe_svm.c and drm_gpusvm.c',
          on: [
            "echo 'file xe_svm.c +pt' > /sys/kernel/debug/dynamic_debug/control",
            "echo 'file drm_gpusvm.c +pt' > /sys/kernel/debug/dynamic_debug/control",
          ],
          off: [
            "echo 'file xe_svm.c -p' > /sys/kernel/debug/dynamic_debug/control",
            "echo 'file drm_gpusvm.c -p' > /sys/kernel/debug/dynamic_debug/control",
          ],
        },
      ];
    case 'test_hmm':
      // test_hmm prints only its chunk allocation (pr_info) and a WARN; printk:console already carries them.
      return [];
    case 'generic':
      return [];
  }
}
